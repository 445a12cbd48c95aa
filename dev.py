#!/usr/bin/env python3
"""One entry point for contributors: set-up, serve, build, test.

    python3 dev.py serve     # install everything, serve the guide on http://127.0.0.1:8000 (fast, non-strict rebuilds)
    python3 dev.py test      # install everything, run the whole test suite (extra args go to pytest)
    python3 dev.py build     # install everything, build the static site into site/ (strict)
    python3 dev.py bench     # install everything, run the benchmark script
    python3 dev.py lock      # re-resolve requirements.lock from pyproject.toml

Only python3 (3.11.5+) and pip are needed. Set-up creates `.venv/` beside this file,
installs a pinned `uv` into it and syncs the venv to `requirements.lock`.
It re-runs only when the lock file or pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
UV_VERSION = "0.13.9"
STAMP = VENV / ".guide-installed"
SETUP_STEPS = "sync+bytecode"  # part of the stamp: a change to the set-up steps re-runs them
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Spread the suite over pytest-xdist workers (tests/scheduling.py decides which worker runs what): two per core, at
# most four. Many tests wait on another process (the browser, MassGen's servers, a build), so one worker per core
# leaves cores idle: on a 2-core machine four workers ran the suite in 182-213 s where two took 256 s. The cores
# counted are those this process may run on (a container's CPU limit, taskset), as `-n auto` counts them.
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
PYTEST_WORKERS = ("-n", str(min(4, 2 * _CORES)))


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def fail(message: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"dev.py: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def run(*cmd: str | os.PathLike[str], **kwargs: object) -> None:
    result = subprocess.run([str(part) for part in cmd], **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(str(p) for p in cmd)}")


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    digest.update(f"{UV_VERSION}:{SETUP_STEPS}".encode())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11, 5) or sys.version_info >= (3, 12):
        fail(f"Python 3.11.5 to 3.11.x is required (massgen pins it); this is {sys.version.split()[0]}")
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp and PYTHON.exists():
        return
    if not PYTHON.exists():
        say(f"creating virtual environment in {VENV.relative_to(ROOT)}/")
        run(sys.executable, "-m", "venv", VENV)
    uv = BIN / "uv"
    if not uv.exists():
        say(f"installing uv {UV_VERSION} into the venv (pip)")
        run(PYTHON, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    say("syncing the venv to requirements.lock (massgen 0.1.97 and the docs tool chain; about 1.5 GB the first time)")
    env = {**os.environ, "VIRTUAL_ENV": str(VENV)}
    # --compile-bytecode: write every installed module's .pyc now, once. Python would otherwise compile them at
    # each import whenever it cannot write its cache (PYTHONDONTWRITEBYTECODE, read-only installs): importing
    # MassGen would compile hundreds of modules in every process that imports it.
    run(uv, "pip", "sync", "--python", PYTHON, "--require-hashes", "--compile-bytecode", ROOT / "requirements.lock",
        env=env)
    say("installing this project (editable, no dependencies)")
    run(uv, "pip", "install", "--python", PYTHON, "--no-deps", "-e", ROOT, env=env)
    STAMP.write_text(stamp)
    say("set-up done")


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; install it when it is missing."""
    if any(Path(p).exists() for p in CHROMIUM_CANDIDATES):
        return
    apt = shutil.which("apt-get")
    if apt is None or (hasattr(os, "geteuid") and os.geteuid() != 0):
        fail("the browser tests need Debian's chromium: run `sudo apt-get install -y chromium` once, then retry")
    say("installing Debian's chromium for the browser tests (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(apt, "update", "-qq", env=env, stdout=subprocess.DEVNULL)
    run(apt, "install", "-y", "-qq", "chromium", env=env, stdout=subprocess.DEVNULL)


def venv_exec(tool: str, *args: str) -> "NoReturn":  # type: ignore[name-defined]
    os.chdir(ROOT)
    env = {**os.environ, "VIRTUAL_ENV": str(VENV), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    executable = str(BIN / tool)
    sys.stdout.flush()
    os.execve(executable, [executable, *args], env)


def main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        raise SystemExit(0 if argv else 2)
    command, rest = argv[0], argv[1:]
    if command == "lock":
        uv = shutil.which("uv") or str(BIN / "uv")
        # --all-extras: the lock installs everything this repository's own work needs (site, conformance, test);
        # a user's `pip install` of the package brings the light core only.
        run(uv, "pip", "compile", "pyproject.toml", "--all-extras", "--python-version", "3.11.7", "--generate-hashes",
            "-o", "requirements.lock", "-q", cwd=ROOT)
        return
    if command not in {"serve", "test", "build", "bench"}:
        fail(f"unknown command {command!r}; use one of: serve, test, build, bench, lock")
    ensure_venv()
    if command == "serve":
        # The engine is ProperDocs, the maintained fork of MkDocs 1.6 (it reads mkdocs.yml, named explicitly).
        # --dirty: after the first full build, an edit re-renders only the edited page (well under a second);
        # dirty builds log a warning, so strictness is left to `build` and the test suite.
        # The hosted address has a path (GitHub Pages); served locally, the guide lives at the root of the address.
        os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000/")
        venv_exec("properdocs", "serve", "--config-file", "mkdocs.yml", "--dev-addr", "127.0.0.1:8000", "--dirty",
                  "--no-strict", *rest)
    if command == "build":
        venv_exec("properdocs", "build", "--config-file", "mkdocs.yml", "--strict", *rest)
    if command == "bench":
        venv_exec("python", "scripts/benchmark.py", *rest)
    ensure_chromium()
    # `python3 dev.py test -n 0` runs the suite in one process (a later -n wins).
    venv_exec("python", "-m", "pytest", *PYTEST_WORKERS, *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
