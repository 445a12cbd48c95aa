"""Shared test set-up: hermetic environment, one MassGen import per session, one strict site build per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SESSION_TMP = Path(os.environ["MASSGEN_GUIDE_TEST_TMP"])  # made by the root conftest.py


@pytest.fixture(scope="session")
def massgen_imported():
    """Import MassGen's backend stack once per process (about 8 s of CPU); see tests/scheduling.py."""
    from tests.scheduling import import_massgen

    import_massgen()

    return sys.modules["massgen"]


def run_mkdocs_build(site_dir: Path, *, config: Path | None = None, env: dict[str, str] | None = None,
                     cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`properdocs build --strict` (the engine; it reads mkdocs.yml), as `python3 dev.py build` runs it."""
    cmd = [sys.executable, "-m", "properdocs", "build", "--strict", "--site-dir", str(site_dir),
           "--config-file", str(config if config is not None else ROOT / "mkdocs.yml")]
    return subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The whole site, built strictly once per test run into a temp dir (pytest-xdist workers share it)."""
    from filelock import FileLock

    site = _SESSION_TMP / "site"
    done, failed = _SESSION_TMP / "site.built", _SESSION_TMP / "site.failed"
    with FileLock(str(_SESSION_TMP / "site.lock")):
        if not done.exists() and not failed.exists():
            # with the cold build's second process whatever the machine's load (massgen_guide/site/prefetch.py):
            # every test that reads the built site also checks what it generated
            result = run_mkdocs_build(site, env={"GUIDE_PREFETCH": "on"})
            if result.returncode != 0:
                failed.write_text(f"{result.stdout}\n{result.stderr}")
            else:
                done.write_text(f"{result.stdout}\n{result.stderr}")  # the build's log, for tests/test_build.py
    if failed.exists():
        pytest.fail(f"properdocs build --strict failed:\n{failed.read_text()}", pytrace=False)
    return site
