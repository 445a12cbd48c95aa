"""docs/reference/stream-chunks.md: the fields against the real dataclass, the chunk types against an independent
scan of the source and the real enum."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from massgen_guide.facts import chunks


def test_fields_match_the_dataclass(facts, massgen_imported) -> None:
    from massgen.backend.base import StreamChunk

    real = dataclasses.fields(StreamChunk)
    static = chunks.stream_chunk_fields(facts)
    assert [f.name for f in static] == [f.name for f in real]
    for ours, theirs in zip(static, real):
        assert ours.annotation == theirs.type  # `from __future__ import annotations`: types are strings
        if theirs.default is dataclasses.MISSING:
            assert ours.default is None
        else:
            assert ours.default == repr(theirs.default)


def test_fields_table_shows_every_field(render, massgen_imported) -> None:
    from massgen.backend.base import StreamChunk

    table = render("stream-chunk-fields")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [f.name for f in dataclasses.fields(StreamChunk)]
    assert "| `type` | `str` | required |" in table
    assert "| `display` | `bool` | `True` |" in table
    assert "(https://github.com/massgen/MassGen/blob/v0.1.97/massgen/backend/base.py#L" in table


def _independent_scan(package_dir: Path) -> dict[str, set[tuple[str, int]]]:
    """Walk the whole syntax tree of every module (tests excluded) for calls to *StreamChunk."""
    found: dict[str, set[tuple[str, int]]] = {}
    for path in package_dir.rglob("*.py"):
        rel = path.relative_to(package_dir.parent).as_posix()
        if "/tests/" in rel or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "StreamChunk" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if not name.endswith("StreamChunk"):
                continue
            values = [k.value for k in node.keywords if k.arg == "type"] + node.args[:1]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, set()).add((rel, node.lineno))
                    break
                if isinstance(value, ast.Attribute) and getattr(value.value, "id", "") == "ChunkType":
                    found.setdefault(f"ChunkType.{value.attr}", set()).add((rel, node.lineno))
                    break
    return found


def test_chunk_types_match_an_independent_scan_and_the_enum(facts, massgen_imported) -> None:
    from massgen.stream_chunk.base import ChunkType

    scanned = _independent_scan(facts.source.package_dir)
    for key in [k for k in scanned if k.startswith("ChunkType.")]:
        scanned.setdefault(ChunkType[key.split(".", 1)[1]].value, set()).update(scanned.pop(key))
    ours = {t.value: t for t in chunks.chunk_types(facts)}
    enum_values = {member.value for member in ChunkType}
    assert set(ours) == set(scanned) | enum_values
    for value, fact in ours.items():
        assert {(e.path, e.line) for e in fact.productions} == scanned.get(value, set()), value
        assert fact.in_enum == (value in enum_values)
        assert fact.status == {(True, True): "both", (True, False): "enum only",
                               (False, True): "emitted only"}[(fact.in_enum, fact.emitted)]
    # Facts the pages rely on, stated in the prose: some types are constructed without being declared.
    assert ours["compression_status"].status == "emitted only"
    assert ours["media"].status == "enum only"


def test_chunk_types_table(render, facts) -> None:
    table = render("chunk-types")
    types = chunks.chunk_types(facts)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [t.value for t in types]
    content = next(row for row in rows if row.startswith("| `content` |"))
    fact = next(t for t in types if t.value == "content")
    in_backends = sum(1 for e in fact.productions if e.path.startswith("massgen/backend/"))
    assert f"| both (`CONTENT`) | {len(fact.productions)} ({in_backends} in backends) |" in content
    assert f" and {len(fact.productions) - 2} more |" in content
    first = fact.productions[0]
    assert (f"[`{first.path.rsplit('/', 1)[1]}:{first.line}`](https://github.com/massgen/MassGen/blob/v0.1.97/"
            f"{first.path}#L{first.line} \"{first.path}\")") in content
    media = next(row for row in rows if row.startswith("| `media` |"))
    assert "| enum only (`MEDIA`) | 0 | — |" in media
    assert table.startswith(f"{len(types)} chunk types: ")


def test_phase_summary_names_every_field_and_links_the_tables(render, massgen_imported) -> None:
    from massgen.backend.base import StreamChunk

    text = render("stream-chunk-summary")
    names = [f.name for f in dataclasses.fields(StreamChunk)]
    assert text.startswith(f"`StreamChunk` has {len(names)} fields: " + ", ".join(f"`{n}`" for n in names))
    assert "(../reference/stream-chunks.md#fields)" in text
    assert "(../reference/stream-chunks.md#chunk-types)" in text
    assert "`content`" in text.split("yield most are", 1)[1] and "`done`" in text.split("yield most are", 1)[1]
    assert "|" not in text  # a summary, not a table
