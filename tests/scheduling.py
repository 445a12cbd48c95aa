"""How the suite is spread over pytest-xdist workers (a pytest plugin, loaded by the root conftest.py).

Importing MassGen costs about 8 s of CPU (from bytecode, the garbage collector paused: `import_massgen`), more
than any test. So:

- The tests that need MassGen at run time are listed in `NEEDS_MASSGEN`. They form one unit of work, which one
  worker runs, and that worker alone imports MassGen. No test module imports MassGen when it is collected (the
  snippets are imported by the tests that use them), so the other workers never do.
- Every other test module is a unit of its own, so its module-scoped fixtures (a browser, a built site) are
  set up once; the modules of a folder in `FOLDER_UNITS` form one unit, so their session fixtures are too.
- Units start in the order of `FIRST` (the longest first, so that no long unit starts last), then the others,
  those with the most tests first (xdist's order).

A worker that has not run a `NEEDS_MASSGEN` test refuses to import MassGen: a test that imports it without being
listed fails with a message saying so, instead of quietly costing another worker those seconds. The check is
best-effort: the worker that ran the listed tests has MassGen already, so an unlisted test that happens to run
there passes. Without xdist (`-n 0`), nothing is refused.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import os
import sys

import pytest

MASSGEN_UNIT = "massgen-runtime"

NEEDS_MASSGEN: tuple[str, ...] = (
    "docs/",  # the pages' code blocks run against MassGen
    "tests/test_examples/",
    "tests/test_conformance/",
    "tests/test_reference/test_enums_and_registries.py",
    "tests/test_reference/test_stream_chunks.py",
    "tests/test_reference/test_reference_backends.py::test_backend_modules_match_the_imported_package",
    "tests/test_docs/test_fences.py::test_every_validated_fence_holds",
    "tests/test_docs/test_fences.py::test_yaml_must_be_a_config_that_massgens_validator_accepts",
    "tests/test_decision_trees.py::test_base_class_tree_names_the_real_massgen_classes",
    "tests/test_hermetic.py::test_massgen_price_lookup_does_not_reach_the_network",
    "tests/test_claims/test_shown_by.py::test_the_retry_block_holds_against_the_installed_massgen",
)
"""Node-id prefixes of the tests that import MassGen when they run. A test that requests the `massgen_imported`
fixture must be covered (checked when the tests are collected)."""

FIRST: tuple[str, ...] = (
    # The browser pass is the longest unit by far (about 190 s of a 2-core, 4-worker suite's 195 s, the site
    # build included): it starts first, on a worker of its own, and everything else is shared by the other workers
    # meanwhile. (Started after another unit, it ended the suite alone, with the other workers idle.)
    "tests/test_browser.py",
    MASSGEN_UNIT,
    "tests/test_scaffold/test_kinds.py",
    "tests/test_install.py",  # builds a wheel and a fresh venv
    "tests/test_reference/test_build.py",
    "tests/test_facts/test_mutations.py",
    "tests/test_facts/test_source.py",
    "tests/test_build_errors.py",
    "tests/test_agents.py",
    "tests/test_audit/test_bad_input.py",
    "tests/test_claims/test_index_cache.py",
)
"""Units to start before all others, in this order (measured: the longest ones)."""


def import_massgen() -> None:
    """Import MassGen's backend stack with the cyclic garbage collector paused, then freeze it: the collector
    would otherwise walk the growing heap again and again during the import (about 40% of its time), and every
    later full collection would walk MassGen's modules too."""
    if "massgen.backend.chat_completions" in sys.modules:
        return
    from massgen_guide.facts.collector import collector_paused  # (the facts load does the same)

    with collector_paused():
        import massgen.backend.chat_completions  # noqa: F401


FOLDER_UNITS: dict[str, str] = {"tests/test_scaffold/": "tests/test_scaffold/test_kinds.py"}
"""Folders whose modules form one unit, named after their longest module: they share session fixtures (the
scaffolder's tests share one git copy of MassGen, which each worker would otherwise make again)."""


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: MASSGEN_UNIT, its folder's unit, or its module."""
    if nodeid.startswith(NEEDS_MASSGEN):
        return MASSGEN_UNIT
    for folder, unit in FOLDER_UNITS.items():
        if nodeid.startswith(folder):
            return unit
    return nodeid.split("::", 1)[0]


# -- the controller: hand out units --------------------------------------------------------------------------------


def _priority(unit: str) -> int:
    return FIRST.index(unit) if unit in FIRST else len(FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "load":
        return None  # an explicit --dist other than the default: xdist's own scheduler
    from xdist.scheduler import LoadScopeScheduling

    class GuideScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            unit = min(self.workqueue, key=_priority)  # `min` keeps xdist's queue order among equals
            work = self.workqueue.pop(unit)
            self.assigned_work.setdefault(node, {})[unit] = work
            collection = self.registered_collections[node]
            node.send_runtest_some([collection.index(nodeid) for nodeid, done in work.items() if not done])

    return GuideScheduling(config, log)


# -- the workers: keep MassGen out until a NEEDS_MASSGEN test runs -------------------------------------------------


class _MassGenRefused(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds MassGen's modules as usual (so `importlib.util.find_spec` still locates the package) but refuses to
    execute them."""

    current_test = "?"

    def find_spec(self, name, path=None, target=None):
        if name != "massgen" and not name.startswith("massgen."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            spec.loader = self
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise ImportError(
            f"tests/scheduling.py: {self.current_test} imports MassGen, but it is not listed in NEEDS_MASSGEN, so "
            "it ran on a worker that keeps MassGen out (importing it costs seconds); add it to NEEDS_MASSGEN")


_guard: _MassGenRefused | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _guard
    if os.environ.get("PYTEST_XDIST_WORKER") and "massgen" not in sys.modules:
        _guard = _MassGenRefused()
        sys.meta_path.insert(0, _guard)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    undeclared = [item.nodeid for item in items
                  if "massgen_imported" in getattr(item, "fixturenames", ()) and unit_of(item.nodeid) != MASSGEN_UNIT]
    if undeclared:
        raise pytest.UsageError("tests/scheduling.py: these tests request `massgen_imported` but are not covered by "
                                "NEEDS_MASSGEN: " + ", ".join(undeclared))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _guard
    if _guard is None:
        return
    if unit_of(item.nodeid) == MASSGEN_UNIT:
        sys.meta_path.remove(_guard)
        _guard = None
        import_massgen()
    else:
        _guard.current_test = item.nodeid


# -- every process: keep the cyclic garbage collector off MassGen's objects ----------------------------------------

_frozen = False


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Once MassGen is imported, freeze the heap: its millions of long-lived objects leave the collector's view.

    Without this, every full collection walks them all, and pytest runs five in a row at the end of a session
    (looking for unraisable exceptions): about 5 s on the worker that imported MassGen.
    """
    global _frozen
    if not _frozen and "massgen" in sys.modules:
        gc.collect()
        gc.freeze()
        _frozen = True
