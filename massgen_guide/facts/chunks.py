"""StreamChunk facts: the dataclass fields (griffe), the `ChunkType` enum (griffe), and every chunk type
constructed in the package (a fast text scan: only the `StreamChunk(...)` call expressions are parsed)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import griffe

from massgen_guide.errors import GuideError
from massgen_guide.facts.links import Evidence
from massgen_guide.facts.loading import LoadedMassGen
from massgen_guide.facts.scan_cache import cached_scan

STREAM_CHUNK = "massgen.backend.base.StreamChunk"
CHUNK_TYPE_ENUM = "massgen.stream_chunk.base.ChunkType"
_TRIPLE_SINGLE = r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
_TRIPLE_DOUBLE = _TRIPLE_SINGLE.replace("'", '"')
_SINGLE = r"'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
_DOUBLE = _SINGLE.replace("'", '"')
_CALL_RE = re.compile(
    rf"(?P<string>{_TRIPLE_SINGLE}|{_TRIPLE_DOUBLE}|{_SINGLE}|{_DOUBLE})"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<call>StreamChunk)\(",
)
"""Strings and comments are matched (and skipped) so that a `StreamChunk(` inside a docstring does not count."""


@dataclass(frozen=True)
class ChunkField:
    """One field of the StreamChunk dataclass."""

    name: str
    annotation: str
    default: str | None
    """The default as written in the source, or None for a required field."""
    line: int


@dataclass
class ChunkTypeFact:
    """One chunk type, with where it is declared and produced."""

    value: str
    enum_member: str | None = None
    enum_line: int | None = None
    productions: list[Evidence] = field(default_factory=list)

    @property
    def in_enum(self) -> bool:
        return self.enum_member is not None

    @property
    def emitted(self) -> bool:
        return bool(self.productions)

    @property
    def status(self) -> str:
        if self.in_enum and self.emitted:
            return "both"
        return "enum only" if self.in_enum else "emitted only"


def stream_chunk_class(loaded: LoadedMassGen) -> griffe.Class:
    obj = loaded.get(STREAM_CHUNK)
    if not obj.is_class:
        raise GuideError(f"{STREAM_CHUNK} is not a class")
    return obj  # type: ignore[return-value]


def stream_chunk_fields(loaded: LoadedMassGen) -> list[ChunkField]:
    """The dataclass fields of StreamChunk, in order, with type and default as written."""
    cls = stream_chunk_class(loaded)
    fields: list[ChunkField] = []
    for name, member in cls.members.items():
        if member.is_alias or not member.is_attribute or "class-attribute" in member.labels and member.annotation is None:
            continue
        if member.annotation is None or member.lineno is None:
            continue
        default = None if member.value is None else str(member.value)
        fields.append(ChunkField(name, str(member.annotation), default, member.lineno))
    return fields


def enum_members(loaded: LoadedMassGen, path: str) -> list[tuple[str, str, int]]:
    """(name, value, line) of each member of an Enum class, in source order."""
    cls = loaded.get(path)
    members = []
    for name, member in cls.members.items():
        if member.is_alias or not member.is_attribute or name.startswith("_") or member.value is None:
            continue
        value = member.value
        try:
            literal = ast.literal_eval(str(value))
        except (ValueError, SyntaxError):
            literal = str(value)
        members.append((name, str(literal), member.lineno or 0))
    return members


def _call_text(text: str, start: int) -> str | None:
    """The text of a call from its opening parenthesis to the matching close (strings are skipped)."""
    depth, i, quote = 0, start, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            i += len(quote)
            continue
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return None


def _type_argument(call_src: str) -> str | None:
    """The chunk type named by a `...StreamChunk(...)` call: `type="x"`, a first string argument, or
    `ChunkType.X` (returned as `ChunkType.X`)."""
    try:
        node = ast.parse("f" + call_src, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call):
        return None
    candidates = [kw.value for kw in node.keywords if kw.arg == "type"] + node.args[:1]
    for value in candidates:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "ChunkType":
            return f"ChunkType.{value.attr}"
    return None


def is_test_file(relative: str) -> bool:
    parts = relative.split("/")
    return "tests" in parts or parts[-1].startswith("test_") or parts[-1] == "conftest.py"


@cached_scan
def scan_chunk_productions(package_dir: Path) -> dict[str, list[Evidence]]:
    """Every chunk type constructed by a `*StreamChunk(...)` call in the package (tests excluded), with
    `path:line` of each construction. `ChunkType.X` arguments are returned under the key `ChunkType.X`."""
    found: dict[str, list[Evidence]] = {}
    root = package_dir.parent
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" in relative or is_test_file(relative):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "StreamChunk(" not in text:
            continue
        for match in _CALL_RE.finditer(text):
            if match["call"] is None:
                continue
            prefix = re.search(r"(class\s+)?\w*$", text[max(0, match.start() - 80):match.start()])
            if prefix and prefix.group(1):
                continue  # a class definition, not a construction
            call = _call_text(text, match.end() - 1)
            if call is None:
                continue
            kind = _type_argument(call)
            if kind is None:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.setdefault(kind, []).append(Evidence(relative, line))
    return found


def chunk_types(loaded: LoadedMassGen) -> list[ChunkTypeFact]:
    """Every chunk type in the `ChunkType` enum or constructed in the package, sorted by value."""
    facts: dict[str, ChunkTypeFact] = {}
    members = enum_members(loaded, CHUNK_TYPE_ENUM)
    by_member = {name: value for name, value, _ in members}
    for name, value, line in members:
        facts[value] = ChunkTypeFact(value, name, line)
    for kind, places in scan_chunk_productions(loaded.source.package_dir).items():
        if kind.startswith("ChunkType."):
            value = by_member.get(kind.split(".", 1)[1])
            if value is None:
                continue  # refers to a member the enum does not have; Python would fail on it anyway
            kind = value
        facts.setdefault(kind, ChunkTypeFact(kind)).productions.extend(places)
    for fact in facts.values():
        fact.productions.sort(key=lambda e: (e.path, e.line))
    return sorted(facts.values(), key=lambda f: f.value)
