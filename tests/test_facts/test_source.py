"""MASSGEN_SOURCE: installed, a release (from a local wheel or cache; an empty local index for a missing
version), a checkout path; one-line errors naming the setting, also through `properdocs build`."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from massgen_guide.checks.facts_in_docs import check_facts
from massgen_guide.errors import GuideError
from massgen_guide.facts.loading import load_massgen
from massgen_guide.source.selection import resolve_source
from tests.test_facts.facts_helpers import copy_massgen

ROOT = Path(__file__).resolve().parents[2]


def _make_wheel(tree: Path, dest: Path, version: str) -> Path:
    """A wheel-shaped zip holding `massgen/` from `tree` (enough for the guide's static reader)."""
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"massgen-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((tree / "massgen").rglob("*.py")):
            archive.write(path, path.relative_to(tree).as_posix())
        archive.writestr(f"massgen-{version}.dist-info/METADATA", f"Name: massgen\nVersion: {version}\n")
    return wheel


def test_installed_is_the_default(monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    source = resolve_source()
    assert (source.kind, source.version) == ("installed", "0.1.97")
    assert resolve_source("installed").package_dir == source.package_dir


def test_a_release_is_read_from_its_cached_wheel(tmp_path: Path, monkeypatch) -> None:
    tree = copy_massgen(tmp_path / "tree")
    init = tree / "massgen/__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.97"', '__version__ = "0.1.90"'))
    cache = tmp_path / "cache"
    _make_wheel(tree, cache / "wheels", "0.1.90")
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(cache))
    monkeypatch.setenv("MASSGEN_GUIDE_INDEX_URL", "http://127.0.0.1:9/simple")  # never reached: the wheel is cached
    source = resolve_source("0.1.90")
    assert (source.kind, source.version) == ("release", "0.1.90")
    assert source.package_dir == cache / "releases" / "0.1.90" / "massgen"
    loaded = load_massgen(source)
    assert check_facts(loaded) == []
    assert resolve_source("0.1.90").package_dir == source.package_dir  # unpacked once


def test_a_missing_release_is_one_line(tmp_path: Path, monkeypatch) -> None:
    index = tmp_path / "index"
    (index / "massgen").mkdir(parents=True)
    (index / "massgen" / "index.html").write_text("<!DOCTYPE html><html><body></body></html>\n")
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MASSGEN_GUIDE_INDEX_URL", index.as_uri())
    with pytest.raises(GuideError) as caught:
        resolve_source("9.9.9")
    assert str(caught.value) == (f"MASSGEN_SOURCE=9.9.9: no massgen 9.9.9 wheel could be downloaded from "
                                 f"{index.as_uri()} (no such release)")


def test_paths_that_are_not_massgen(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match=r"^MASSGEN_SOURCE=.*: no such path$"):
        resolve_source(str(tmp_path / "nowhere"))
    with pytest.raises(GuideError, match=r"^MASSGEN_SOURCE=.*: not a MassGen tree \(no massgen/backend/base.py under it\)$"):
        resolve_source(str(tmp_path))
    with pytest.raises(GuideError, match=r"^MASSGEN_SOURCE=latest: expected 'installed', a release version"):
        resolve_source("latest")


def test_a_checkout_or_its_package_folder(tmp_path: Path) -> None:
    tree = copy_massgen(tmp_path / "MassGen")
    (tree / "docs").mkdir()
    checkout = resolve_source(str(tree))
    assert checkout.kind == "checkout" and checkout.repo_root == tree
    assert resolve_source(str(tree / "massgen")).package_dir == checkout.package_dir


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "massgen_guide", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=ROOT)


def test_bad_settings_through_the_cli_and_mkdocs(tmp_path: Path, run_build) -> None:
    index = tmp_path / "index"
    (index / "massgen").mkdir(parents=True)
    (index / "massgen" / "index.html").write_text("<html><body></body></html>\n")
    env_version = {"MASSGEN_SOURCE": "9.9.9", "MASSGEN_GUIDE_INDEX_URL": index.as_uri(),
                   "MASSGEN_GUIDE_CACHE": str(tmp_path / "cache")}
    env_path = {"MASSGEN_SOURCE": str(tmp_path)}
    for env, message in ((env_version, "MASSGEN_SOURCE=9.9.9: no massgen 9.9.9 wheel could be downloaded"),
                         (env_path, f"MASSGEN_SOURCE={tmp_path}: not a MassGen tree")):
        cli = _cli("facts", env=env)
        assert cli.returncode == 2 and cli.stdout == ""
        assert cli.stderr.splitlines() == [f"massgen-guide: error: {cli.stderr.split('error: ', 1)[1].strip()}"]
        assert message in cli.stderr
        build = run_build(tmp_path / "site", env=env)
        assert build.returncode != 0
        assert "Traceback" not in build.stderr + build.stdout
        errors = [line for line in build.stderr.splitlines() if line.startswith("ERROR")]
        assert len(errors) == 1 and message in errors[0], build.stderr
