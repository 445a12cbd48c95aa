"""Fixtures of the scaffolder's tests: temp copies of the pinned MassGen made git repositories, and the CLI in-process."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from massgen_guide.cli import main
from massgen_guide.source.selection import installed_package_dir

KINDS = ("openai-compatible", "custom-api", "cli-wrapper", "sdk-wrapper")
PRICE = "acme-large=0.5/1.5"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@localhost", "HOME": str(root), "PATH": "/usr/bin:/bin"})
    return done.stdout


def copy_massgen(dest: Path, *, python_only: bool = True) -> Path:
    """Copy the installed `massgen` package to dest/massgen, its bytecode included (copy2 keeps the modification
    times, so the cached bytecode stays valid and MassGen's interpreter does not recompile it: 7 s saved per run)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        if not python_only or folder.endswith("__pycache__"):
            return set()
        return {n for n in names if not n.endswith(".py") and n != "__pycache__" and not (Path(folder) / n).is_dir()}

    shutil.copytree(installed_package_dir(), dest / "massgen", ignore=ignore)
    return dest


def git_copy(dest: Path, *, python_only: bool = True) -> Path:
    """A copy of the installed MassGen at dest/massgen, committed in a fresh git repository at dest."""
    copy_massgen(dest, python_only=python_only)
    (dest / ".gitignore").write_text("__pycache__/\n")
    git(dest, "init", "-q")
    # A hard-linked copy (linked_copy) changes each file's ctime (its link count changed): with git's default stat
    # check, each `git status` in a copy would read and hash all of MassGen again.
    git(dest, "config", "core.trustctime", "false")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "pinned MassGen")
    return dest


def linked_copy(base: Path, dest: Path) -> Path:
    """A git copy of `base` at dest in a fraction of a second: files are hard links (`cp -al`), which is safe here
    because the scaffolder and git replace a file (write a new one, rename it over) and never write into one.
    Python's bytecode cache is replaced the same way."""
    subprocess.run(["cp", "-al", str(base), str(dest)], check=True)
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


@pytest.fixture(scope="session")
def massgen_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One git copy of the whole installed MassGen per session; tests take hard-linked copies of it."""
    return git_copy(tmp_path_factory.mktemp("massgen-base") / "MassGen", python_only=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, massgen_base: Path) -> Path:
    """One untouched git copy for the tests that must write nothing (hard-linked to the session's copy)."""
    return linked_copy(massgen_base, tmp_path_factory.mktemp("pristine") / "MassGen")
