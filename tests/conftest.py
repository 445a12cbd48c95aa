"""Shared test set-up: hermetic environment, one MassGen import per session, one strict site build per session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="massgen-guide-tests-"))

# Hermetic: no keys, caches and homes in a temp dir, litellm's price map read locally.
for key in list(os.environ):
    if key.endswith("_API_KEY") or key.endswith("_TOKEN"):
        del os.environ[key]
os.environ.setdefault("MASSGEN_GUIDE_CACHE", str(_SESSION_TMP / "cache"))
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ["NO_MKDOCS_2_WARNING"] = "1"
os.environ.pop("MASSGEN_SOURCE", None)

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(sock: socket.socket, address: object) -> None:
    if sock.family == getattr(socket, "AF_UNIX", object()):
        return
    host = address[0] if isinstance(address, tuple) else address
    if host not in _LOCAL_HOSTS:
        raise ConnectionRefusedError(f"hermetic tests: connection to {address!r} refused (only 127.0.0.1 is allowed)")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


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
