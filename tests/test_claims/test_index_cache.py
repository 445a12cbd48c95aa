"""The claims index's per-file cache: an index built from cached file results equals one built from scratch."""

from __future__ import annotations

import dataclasses
import os

from massgen_guide.checks.claims.index import build_index
from massgen_guide.checks.claims.index_cache import file_cache_stats


def ordered(value):
    """The value as nested lists, keeping every dict's key order (so equal means equal and in the same order)."""
    if dataclasses.is_dataclass(value):
        return [type(value).__name__] + [(f.name, ordered(getattr(value, f.name))) for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [ordered(item) for item in value]
    if isinstance(value, set):
        return sorted(value)
    return value


def test_cached_and_uncached_index_of_a_mutated_copy_are_equal(mutated):
    package, _, notes = mutated
    before = file_cache_stats()
    cached = build_index(package, "mutated")
    after = file_cache_stats()
    uncached = build_index(package, "mutated", use_cache=False)
    assert file_cache_stats() == after  # the uncached build neither reads nor fills the cache
    python_files = sum(1 for path in package.rglob("*.py"))
    assert after["hits"] - before["hits"] == python_files - 1  # every file but the one that does not parse
    assert ordered(cached) == ordered(uncached)
    # the mutations are in both
    assert "begin_api_call_timing" in cached.classes["LLMBackend"][0].methods
    assert "start_api_call_timing" not in uncached.classes["LLMBackend"][0].methods
    assert "massgen.backend.providers.grok" in cached.modules and "massgen.backend.grok" not in cached.modules
    assert "massgen/backend/broken_backend.py" in cached.parse_errors
    assert cached.parse_errors == uncached.parse_errors
    assert notes["rename_line"] == cached.classes["LLMBackend"][0].methods["begin_api_call_timing"]


def test_a_changed_file_with_the_same_size_and_mtime_is_read_again(tmp_path):
    package = tmp_path / "massgen"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    module = package / "mod.py"
    module.write_text('class Thing:\n    def old(self):\n        return "some_key"\n', encoding="utf-8")
    first = build_index(package, "t")
    assert "old" in first.classes["Thing"][0].methods and "some_key" in first.strings
    stat = module.stat()
    module.write_text('class Thing:\n    def new(self):\n        return "other_ke"\n', encoding="utf-8")
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert module.stat().st_size == stat.st_size and module.stat().st_mtime_ns == stat.st_mtime_ns
    second = build_index(package, "t")
    assert list(second.classes["Thing"][0].methods) == ["new"]
    assert "other_ke" in second.strings and "some_key" not in second.strings
    assert ordered(second) == ordered(build_index(package, "t", use_cache=False))
