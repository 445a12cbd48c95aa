"""Fixtures of the scaffolder's tests: temp copies of the pinned MassGen made git repositories, and the CLI in-process."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from massgen_guide.cli import main
from tests.test_facts.facts_helpers import copy_massgen

KINDS = ("openai-compatible", "custom-api", "cli-wrapper", "sdk-wrapper")
PRICE = "acme-large=0.5/1.5"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"})
    return done.stdout


def git_copy(dest: Path, *, python_only: bool = True) -> Path:
    """A copy of the installed MassGen at dest/massgen, committed in a fresh git repository at dest."""
    copy_massgen(dest, python_only=python_only)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "pinned MassGen")
    return dest


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_new(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """`massgen-guide new ...` in-process (the same `main` the console script runs)."""
    capsys.readouterr()
    code = main(["new", *args])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One untouched git copy (Python files only) for the tests that must write nothing."""
    return git_copy(tmp_path_factory.mktemp("pristine"))
