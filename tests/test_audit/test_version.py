"""Version awareness: the audit says which MassGen a tree holds and warns, in one line, when it is newer than the
release the guide was checked against (never changing the exit code)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from massgen_guide.source.tree_version import checked_release, found_version, is_newer, newer_tree_warning

from .conftest import ROOT, run_cli
from .massgen_copies import copy_pinned_massgen, set_version

WARNING = ("massgen-guide: warning: this tree holds MassGen 0.1.98, newer than 0.1.97, the release this guide was "
           "checked against: data-driven points (listing sites, chunk types) may be out of date\n")


@pytest.fixture
def pinned_copy(tmp_path: Path) -> Path:
    return copy_pinned_massgen(tmp_path / "MassGen")


def test_the_checked_release_is_the_pin_of_the_conformance_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["optional-dependencies"]["conformance"][0] == f"massgen=={checked_release()}"
    assert checked_release() == "0.1.97"


def test_no_warning_for_the_pinned_release(pinned_copy: Path) -> None:
    result = run_cli("claude", "--massgen", str(pinned_copy))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("audit of backend type 'claude' (class ClaudeBackend) in MassGen 0.1.97 ")


def test_one_line_warning_for_a_bumped_version(pinned_copy: Path) -> None:
    set_version(pinned_copy, "0.1.98")
    result = run_cli("claude", "--massgen", str(pinned_copy))
    assert (result.returncode, result.stderr) == (0, WARNING)  # a warning, never a failure
    data = json.loads(run_cli("claude", "--massgen", str(pinned_copy), "--format", "json").stdout)
    assert data["massgen"]["version"] == "0.1.98"
    assert (data["massgen"]["version_from"], data["massgen"]["checked_against"]) == ("massgen/__init__.py", "0.1.97")
    assert data["warnings"] == [WARNING.removeprefix("massgen-guide: warning: ").rstrip("\n")]


def test_the_version_comes_from_the_checkouts_metadata_when_the_package_has_none(tmp_path: Path) -> None:
    package = tmp_path / "MassGen" / "massgen"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from ._version import __version__\n")
    assert found_version(package).version == "unknown"
    (package.parent / "pyproject.toml").write_text('[project]\nname = "massgen"\nversion = "0.2.0"\n')
    assert (found_version(package).version, found_version(package).origin) == ("0.2.0", "pyproject.toml")
    (package.parent / "pyproject.toml").unlink()
    info = tmp_path / "MassGen" / "massgen-0.1.99.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: massgen\nVersion: 0.1.99\n")
    assert found_version(package) == type(found_version(package))("0.1.99", "massgen-0.1.99.dist-info/METADATA")


@pytest.mark.parametrize(("found", "newer"), [("0.1.98", True), ("0.1.97.post1", True), ("0.2.0.dev1", True),
                                              ("1.0", True), ("0.1.97", False), ("0.1.97rc1", False),
                                              ("0.1.96", False), ("unknown", False), ("main", False)])
def test_newer_means_a_later_release(found: str, newer: bool) -> None:
    assert is_newer(found, "0.1.97") is newer
    assert (newer_tree_warning(found, "0.1.97") is not None) is newer
