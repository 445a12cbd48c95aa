"""`massgen-guide audit --changed FILE...`, the entry of the pre-commit hook in `.pre-commit-hooks.yaml`."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, write_tree
from .massgen_copies import copy_pinned_massgen, remove_create_backend_branch

BIN = Path(sys.executable).parent
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@127.0.0.1", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@127.0.0.1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def the_hook() -> dict:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


def run_hook(checkout: Path, changed: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the hook's entry the way pre-commit does: in the checkout, with the changed files its `files` matches."""
    hook = the_hook()
    command, *args = shlex.split(hook["entry"])
    files = [f for f in changed if re.search(hook["files"], f)]
    return subprocess.run([str(BIN / command), *args, *hook.get("args", []), *files], cwd=checkout,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **GIT_ENV})


def git(checkout: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=checkout, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def pinned_copy(tmp_path: Path) -> Path:
    return copy_pinned_massgen(tmp_path / "MassGen")


def test_the_hook_is_a_python_hook_on_backend_and_registry_files() -> None:
    hook = the_hook()
    assert (hook["id"], hook["language"], hook["entry"]) == ("massgen-backend-audit", "python",
                                                             "massgen-guide audit --changed")
    matched = [f for f in ("massgen/backend/claude.py", "massgen/cli/backends.py", "massgen/backend/capabilities.py",
                           "massgen/utils/tools.py", "docs/x.md", "massgen/backend/sub/x.py")
               if re.search(hook["files"], f)]
    assert matched == ["massgen/backend/claude.py", "massgen/cli/backends.py", "massgen/backend/capabilities.py"]


def test_a_removed_create_backend_branch_fails_and_names_the_backend(pinned_copy: Path) -> None:
    remove_create_backend_branch(pinned_copy, "claude")
    result = run_hook(pinned_copy, ["massgen/backend/claude.py", "massgen/utils/tools.py"])
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("audit of backend type 'claude' (class ClaudeBackend) in MassGen 0.1.97")
    assert re.search(r"^MISSING \(required\) +create-backend +Add a branch to create_backend$", result.stdout, re.M)
    assert result.stderr == "massgen-guide: audited claude: missing required points: claude (create-backend)\n"


def test_an_untouched_copy_passes(pinned_copy: Path) -> None:
    result = run_hook(pinned_copy, ["massgen/backend/claude.py", "massgen/backend/base.py"])
    assert result.returncode == 0, result.stdout
    assert "summary: 26 pass, 0 missing, 11 not applicable, 4 cannot check; 0 required point(s) missing" in result.stdout
    assert result.stderr == ("massgen-guide: note: massgen/backend/base.py: framework code, no single backend type to "
                             "audit\nmassgen-guide: audited claude: no required point missing\n")


def test_registry_changes_are_compared_with_git(tmp_path: Path) -> None:
    checkout = write_tree(tmp_path / "MassGen")
    git(checkout, "init", "-q")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "base")
    untouched = run_hook(checkout, ["massgen/cli/backends.py"])
    assert (untouched.returncode, untouched.stdout) == (0, "massgen-guide: no backend type is touched by the changed files\n")
    backends = checkout / "massgen/cli/backends.py"
    text = backends.read_text(encoding="utf-8")
    branch = '    elif backend_type == "good":\n        api_key = kwargs.get("api_key") or os.getenv("GOOD_API_KEY")\n' \
             '        return GoodBackend(api_key=api_key, **kwargs)\n'
    assert branch in text
    backends.write_text(text.replace(branch, ""), encoding="utf-8")
    removed = run_hook(checkout, ["massgen/cli/backends.py"])
    assert removed.returncode == 1
    assert removed.stdout.startswith("audit of backend type 'good' (class GoodBackend)")
    assert removed.stderr == "massgen-guide: audited good: missing required points: good (create-backend)\n"


def test_a_registry_file_outside_git_is_named_not_guessed(tmp_path: Path) -> None:
    checkout = write_tree(tmp_path / "MassGen")
    result = run_hook(checkout, ["massgen/cli/backends.py"])
    assert result.returncode == 0
    assert result.stderr == ("massgen-guide: note: massgen/cli/backends.py: cannot compare it with HEAD (not a git "
                             "checkout, or no such revision); audit the types it registers by name\n")


def test_changed_takes_no_backend_type() -> None:
    result = subprocess.run([str(BIN / "massgen-guide"), "audit", "claude", "--changed", "massgen/backend/claude.py"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "massgen-guide: error: give --changed FILE... alone, without BACKEND_TYPE or --all\n"
