"""Fixtures of the facts tests (helpers are in facts_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from massgen_guide.facts.loading import LoadedMassGen, load_massgen
from massgen_guide.source.selection import MassGenSource, resolve_source
from tests.test_facts.facts_helpers import copy_massgen


@pytest.fixture
def massgen_copy(tmp_path: Path) -> Path:
    """A fresh copy of MassGen's Python files, as a checkout root (holding `massgen/`)."""
    return copy_massgen(tmp_path / "MassGen")


@pytest.fixture(scope="session")
def installed_facts() -> LoadedMassGen:
    return load_massgen(resolve_source("installed"))


@pytest.fixture(scope="session")
def installed_source() -> MassGenSource:
    return resolve_source("installed")


@pytest.fixture(scope="session")
def run_build():
    """`run_mkdocs_build` from tests/conftest.py."""
    from tests.conftest import run_mkdocs_build

    return run_mkdocs_build
