"""Fixtures of the reference-page tests: the facts of the installed MassGen and the generators' output."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from massgen_guide.facts.loading import LoadedMassGen, load_massgen
from massgen_guide.site.directives import DirectiveCall, registered_generators
from massgen_guide.source.selection import resolve_source


@pytest.fixture(scope="session")
def facts() -> LoadedMassGen:
    return load_massgen(resolve_source("installed"))


@pytest.fixture(scope="session")
def render():
    """Run a page directive as the build does and return its Markdown."""
    generators = registered_generators()

    def run(name: str, page: str = "reference/test.md", **args: str) -> str:
        return generators[name](DirectiveCall(name, dict(args), page, 1))

    return run


@pytest.fixture(scope="session")
def backend_package(massgen_imported):
    """Every module of massgen.backend, imported (MassGen itself, for comparison with the static facts)."""
    import massgen.backend as package

    return {info.name: importlib.import_module(f"massgen.backend.{info.name}")
            for info in pkgutil.iter_modules(package.__path__)}
