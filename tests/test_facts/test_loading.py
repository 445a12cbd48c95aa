"""One subset load, cached on file mtimes, shared with mkdocstrings."""

from __future__ import annotations

import os
from pathlib import Path

import properdocs.replacement  # noqa: F401  (plugins' `mkdocs.*` imports resolve to the engine, as under its CLI)
import pytest
from properdocs.config import load_config

from massgen_guide.facts import chunks
from massgen_guide.facts.loading import LoadedMassGen, load_massgen, site_files
from massgen_guide.site import build_facts as site_facts
from massgen_guide.source.selection import resolve_source
from tests.test_facts.facts_helpers import copy_massgen, edit, load_copy

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_needed_modules_are_loaded(installed_facts) -> None:
    collection = installed_facts.modules_collection
    loaded_paths = {installed_facts.relative(p) for p in installed_facts.files}
    assert "massgen/backend/base.py" in loaded_paths
    assert "massgen/cli/backends.py" in loaded_paths
    assert "massgen/orchestrator.py" not in loaded_paths
    all_modules = sum(1 for _ in installed_facts.source.package_dir.rglob("*.py"))
    assert len(installed_facts.files) < all_modules / 10
    massgen = collection["massgen"]
    assert "orchestrator" not in massgen.members
    assert collection["massgen.backend.base.LLMBackend.record_first_token"].lineno > 0
    # Aliases between loaded modules are resolved (the MRO needs them).
    chat = collection["massgen.backend.chat_completions.ChatCompletionsBackend"]
    assert [c.path for c in chat.mro()][-1] == "massgen.backend.base.LLMBackend"


def test_the_load_is_reused_until_a_file_changes(massgen_copy: Path) -> None:
    first = load_copy(massgen_copy)
    assert load_copy(massgen_copy) is first
    base = massgen_copy / "massgen/backend/base.py"
    edit(massgen_copy, "massgen/backend/base.py", "    display: bool = True", "    display: bool = False")
    stat = base.stat()
    os.utime(base, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = load_copy(massgen_copy)
    assert second is not first
    assert chunks.stream_chunk_fields(second)[-1].default == "False"
    # A new module matching the site's globs is picked up too.
    (massgen_copy / "massgen/formatter/_extra_formatter.py").write_text(
        "from ._formatter_base import FormatterBase\n\n\nclass ExtraFormatter(FormatterBase):\n    pass\n")
    third = load_copy(massgen_copy)
    assert third is not second
    assert "massgen.formatter._extra_formatter.ExtraFormatter" in {
        c.path for c in __import__("massgen_guide.facts.registries", fromlist=["x"]).formatter_classes(third)}


def test_site_files_are_sorted_module_files(installed_source) -> None:
    files = site_files(installed_source.package_dir)
    assert files == sorted(files)
    assert all(f.suffix == ".py" and f.name != "__init__.py" for f in files)


def test_prepare_shares_the_load_with_mkdocstrings(tmp_path: Path) -> None:
    from massgen_guide.site import hooks

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    try:
        config = config.plugins.on_config(config)  # every plugin's on_config, ours (the hooks) included
    finally:
        # on_config began a build (its cache scope, the claims report store, the collector off): it ends here, as
        # a failed build's does, so that no later test runs inside it
        hooks.on_build_error(RuntimeError("the test's build ends here"))
    loaded = load_massgen(resolve_source("installed"))
    handler = config.plugins["mkdocstrings"].get_handler("python")
    assert handler._modules_collection is loaded.modules_collection
    assert handler._lines_collection is loaded.lines_collection
    assert handler._paths[0] == str(loaded.source.search_path)
    # The handler finds the objects without loading anything (it loads only for modules it does not know).
    item = handler.collect("massgen.backend.base.LLMBackend.record_first_token", handler.get_options({}))
    assert item.path == "massgen.backend.base.LLMBackend.record_first_token"
    assert handler._modules_collection is loaded.modules_collection


def test_generation_off_strips_generated_content(monkeypatch) -> None:
    monkeypatch.setenv("GUIDE_GENERATION", "off")
    assert not site_facts.generation_enabled()
    page = "# T\n\n<!-- guide:chunk-types -->\n\n::: massgen.backend.base.StreamChunk\n    options:\n      members: false\n\nEnd.\n"
    assert site_facts.strip_generated(page) == "# T\n\n\nEnd.\n"


@pytest.fixture(scope="module")
def pickled_copy(tmp_path_factory) -> tuple[Path, Path, LoadedMassGen]:
    """A copy of MassGen loaded once with griffe, as a first process would, into a cache folder of its own: the two
    tests below start from its pickle (one griffe load for both). The unpickling test edits the copy, so it runs
    last (if it ran first, the other would only load again)."""
    from massgen_guide.facts import loading

    copy = copy_massgen(tmp_path_factory.mktemp("pickled") / "MassGen")
    cache = copy.parent / "cache"
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("MASSGEN_GUIDE_CACHE", str(cache))
        patched.setattr(loading, "_CACHE", {})  # as in a new process
        first = load_massgen(resolve_source(str(copy)))
    return copy, cache, first


def test_a_cached_load_is_handed_out_as_read_from_the_source_asked_for(pickled_copy, monkeypatch) -> None:
    # The same files asked for under two labels (two spellings of one checkout path): links and messages
    # follow the source asked for, not the one the (pickled) load was first made from.
    from massgen_guide.facts import loading

    massgen_copy, cache, _ = pickled_copy
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(cache))
    monkeypatch.setattr(loading, "_CACHE", {})
    monkeypatch.chdir(massgen_copy.parent)
    absolute = resolve_source(str(massgen_copy))
    relative = resolve_source(massgen_copy.name)
    assert absolute.package_dir.resolve() == relative.package_dir.resolve() and absolute != relative
    first = load_massgen(absolute)  # from the pickle made under the absolute path
    assert load_massgen(relative).source == relative  # from memory
    monkeypatch.setattr(loading, "_CACHE", {})
    assert load_massgen(relative).source == relative  # from the pickle
    assert load_massgen(absolute).source == first.source == absolute


def test_a_later_process_unpickles_the_load_until_a_massgen_file_changes(pickled_copy, monkeypatch) -> None:
    from massgen_guide.facts import loading

    massgen_copy, cache, first = pickled_copy  # the first process's load, with griffe
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(cache))
    pickles = cache / "facts-load"
    source = resolve_source(str(massgen_copy))
    assert len(list(pickles.glob("*.pickle"))) == 1

    def no_griffe_load(*args, **kwargs):
        raise AssertionError("loaded with griffe although the pickled load is valid")

    monkeypatch.setattr(loading, "_CACHE", {})
    with monkeypatch.context() as patched:
        patched.setattr(loading, "load_subset", no_griffe_load)
        second = load_massgen(source)
    assert second is not first and second.files == first.files
    assert second.get("massgen.backend.base.LLMBackend.record_first_token").lineno == \
        first.get("massgen.backend.base.LLMBackend.record_first_token").lineno

    edit(massgen_copy, "massgen/backend/base.py", "def record_first_token(self)", "def record_first_output_token(self)")
    monkeypatch.setattr(loading, "_CACHE", {})
    third = load_massgen(source)  # a changed file: a new griffe load, pickled beside the first
    assert third.find("massgen.backend.base.LLMBackend.record_first_token") is None
    assert third.find("massgen.backend.base.LLMBackend.record_first_output_token") is not None
    assert len(list(pickles.glob("*.pickle"))) == 2
