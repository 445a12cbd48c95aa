"""Root conftest: the hermetic guard for every test and page fence; how pytest-markdown-docs reads the guide's pages, and the fence summary line.

The page fences are found by `massgen_guide.checks.fences` (the same code the fence test uses): fences inside
admonitions and content tabs are collected too, and include-only blocks run the files they include.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import hermetic_guard

ROOT = Path(__file__).resolve().parent
pytest_plugins = ["tests.scheduling"]  # how the tests are spread over pytest-xdist workers
# One temp dir per test run, shared by pytest-xdist's workers (they inherit the controller's environment).
_SESSION_TMP = Path(os.environ.get("MASSGEN_GUIDE_TEST_TMP") or tempfile.mkdtemp(prefix="massgen-guide-tests-"))
os.environ["MASSGEN_GUIDE_TEST_TMP"] = str(_SESSION_TMP)

# Hermetic: no keys, caches and homes in a temp dir, litellm's price map read locally.
for key in list(os.environ):
    if key.endswith("_API_KEY") or key.endswith("_TOKEN"):
        del os.environ[key]
os.environ.setdefault("MASSGEN_GUIDE_CACHE", str(_SESSION_TMP / "cache"))
# uv's cache stays where it is (the light-install test installs from it, offline) when HOME moves below
os.environ.setdefault("UV_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"))
os.environ["HOME"] = str(_SESSION_TMP / "home")  # anything written "at home" lands in the temp dir
(_SESSION_TMP / "home").mkdir(exist_ok=True)
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ.pop("MASSGEN_SOURCE", None)
os.environ.pop("SITE_URL", None)  # the deploy workflow's setting: tests check the committed default address

hermetic_guard.install()  # only 127.0.0.1 is reachable, and no other name is looked up


@pytest.fixture(autouse=True)
def _process_state_restored():
    """A test leaves the garbage collector, and the build's claims report store, as it found them: a test that ran
    a build's hooks in-process and did not end the build would slow down, or change, every later test of its
    worker (massgen_guide/facts/collector.py, massgen_guide/checks/claims/check.py: keep_reports_in)."""
    import gc

    from massgen_guide.checks.claims import check

    before = (gc.isenabled(), check._store)
    yield
    after = (gc.isenabled(), check._store)
    assert after == before, f"the test changed the process: (collector on, report store) {before} -> {after}"


def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt

    from massgen_guide.checks.fences import runnable_markdown

    class GuideMarkdownIt(MarkdownIt):
        def parse(self, src, env=None):
            return super().parse(runnable_markdown(src, ROOT), env)

    return GuideMarkdownIt(config="commonmark")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from massgen_guide.checks.fence_checks import classify, docs_fences, summary

    verdicts = [classify(fence, ROOT) for fence in docs_fences(ROOT)]
    terminalreporter.write_line(summary(verdicts))
    artifacts = Path(os.environ.get("GUIDE_ARTIFACTS") or _SESSION_TMP / "artifacts")
    if artifacts.is_dir():
        terminalreporter.write_line(f"test artifacts: {artifacts} ({', '.join(sorted(p.name for p in artifacts.iterdir()))})")
