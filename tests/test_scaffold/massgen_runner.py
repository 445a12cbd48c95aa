"""Run pytest over several MassGen copies in ONE interpreter (run as a subprocess by MassGen's interpreter).

Importing MassGen costs about 8 s of CPU (from bytecode, the garbage collector paused; 11 s with it on). The copies
differ only in MassGen's own modules, so between copies this script forgets `massgen.*` and puts the next copy
first on sys.path: the third-party dependencies are imported once. Imports only pytest and the standard library
(MassGen comes from the copies); connections go to 127.0.0.1 only.

    python massgen_runner.py ROOT::TEST_FILE[,TEST_FILE...] ...

Prints one line per copy: `RESULT <root> <pytest exit code>`.

With `SCAFFOLD_AUTOMATION` set, the test of MassGen's command line (`automation_mode` in its name) runs alone in a
process of its own, forked from this one once the copy's MassGen is imported (before any thread starts), while
this process runs the others; its report is printed after theirs.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def _install_hermetic_guard() -> None:
    """The suite's guard (tests/hermetic_guard.py, loaded by its path: this script imports nothing of the guide's
    tests as a package): only 127.0.0.1 is reachable from the MassGen runs, and no other name is looked up."""
    spec = importlib.util.spec_from_file_location("hermetic_guard", Path(__file__).parents[1] / "hermetic_guard.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    guard.install()


_install_hermetic_guard()


def forget_massgen() -> None:
    """Drop the previous copy's MassGen, and let the collector see (and free) what was frozen with it."""
    for name in [n for n in sys.modules if n == "massgen" or n.startswith("massgen.")]:
        del sys.modules[name]
    gc.unfreeze()
    gc.collect()


AUTOMATION_TEST = "automation_mode"
CHILD_TIMEOUT = 600


def pytest_args(root: str, tests: str) -> list[str]:
    return ["-q", "-x", "-rpfE", "-p", "no:cacheprovider", "-p", "no:langsmith_plugin", "-p", "no:textual-snapshot",
            "-p", "no:syrupy", "--rootdir", root, *tests.split(",")]


def automation_files(tests: str) -> str:
    """The test files among `tests` that hold the command-line test (the child collects only those); all of them
    when none is a readable file that does (a folder, a `file::test` id)."""

    def holds_it(arg: str) -> bool:
        path = Path(arg.split("::", 1)[0])
        return path.is_file() and AUTOMATION_TEST in path.read_text(encoding="utf-8", errors="replace")

    with_it = [arg for arg in tests.split(",") if holds_it(arg)]
    return ",".join(with_it or tests.split(","))


def import_massgen() -> None:
    """Import the copy's MassGen (its command line pulls in all of it) with the cyclic garbage collector paused,
    then freeze what was imported: the collector would otherwise walk the growing heap again and again during
    the import, about 40% of its time, and later collections would walk it too."""
    gc.collect()  # (nothing left over is frozen with the import)
    gc.disable()
    try:
        import massgen.cli  # noqa: F401
        gc.freeze()
    finally:
        gc.enable()  # (also when proof_site/sitecustomize.py turned it off at start-up)


def fork_automation(args: list[str]) -> tuple[int, str, str]:
    """Fork a child that runs the command-line test alone (MassGen is imported: the child reuses it); (pid, the
    child's log file, its pytest temp folder)."""
    log = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False).name
    basetemp = tempfile.mkdtemp(prefix="automation-")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: its own output file, its own pytest temp folder
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = int(pytest.main([*args, "-k", AUTOMATION_TEST, "--basetemp", basetemp]))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid, log, basetemp


def wait_for(pid: int, log: str, basetemp: str) -> int:
    """The child's exit code (killed after CHILD_TIMEOUT seconds: exit code 3); its report is printed here, and
    its files are removed."""
    deadline = time.monotonic() + CHILD_TIMEOUT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print(f"the forked command-line test did not end within {CHILD_TIMEOUT} s; killed", flush=True)
            code = 3
            break
        time.sleep(0.2)
    with open(log, encoding="utf-8", errors="replace") as report:
        print(report.read(), flush=True)
    os.unlink(log)
    shutil.rmtree(basetemp, ignore_errors=True)
    return code


def main(argv: list[str]) -> int:
    worst = 0
    for arg in argv:
        root, _, tests = arg.partition("::")
        forget_massgen()
        sys.path.insert(0, root)
        try:
            try:
                import_massgen()
            except Exception:  # noqa: BLE001  (a copy whose MassGen does not import: reported, the next one runs)
                import traceback

                traceback.print_exc()
                print(f"RESULT {root} 2", flush=True)
                worst = max(worst, 2)
                continue
            args = pytest_args(root, tests)
            child = fork_automation(pytest_args(root, automation_files(tests))) \
                if os.environ.get("SCAFFOLD_AUTOMATION") else None
            with tempfile.TemporaryDirectory(prefix="scaffold-proof-") as basetemp:
                # (a folder of its own: a session in the shared numbered folders would delete older sessions'
                # folders on exit, earlier runs' MassGen copies among them)
                code = int(pytest.main([*(args + ["-k", f"not {AUTOMATION_TEST}"] if child else args),
                                        "--basetemp", basetemp]))
            if child:
                code = max(code, wait_for(*child))
        finally:
            sys.path.remove(root)
        print(f"RESULT {root} {code}", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
