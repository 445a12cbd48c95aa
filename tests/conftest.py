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
def session_tmp() -> Path:
    return _SESSION_TMP


@pytest.fixture(scope="session")
def massgen_imported():
    """Import MassGen's backend stack once per session (it takes ~14 s)."""
    import massgen.backend.chat_completions  # noqa: F401

    return sys.modules["massgen"]


def run_mkdocs_build(site_dir: Path, *, config: Path | None = None, env: dict[str, str] | None = None,
                     cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The whole site, built strictly once per session into a temp dir."""
    site = _SESSION_TMP / "site"
    result = run_mkdocs_build(site)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return site
