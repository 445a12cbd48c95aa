"""Claims a document states without the claim syntax (used for MassGen's own upstream skill file).

The upstream SKILL.md states relations in tables and sentences. These readers turn the recognisable ones into
the same `Claim` objects the guide writes explicitly, so one verifier checks both:

- a table with a `Lines` column: "file F is about N lines" for each row (`grok.py | ~81`);
- a table with a `Type` column holding `PreToolUse`/`PostToolUse`: "hook X is registered as T";
- a sentence saying two functions "must stay in sync": "A and B are separate definitions";
- "`massgen/file.py` -> `function()`": "function is defined in massgen/file.py";
- a sentence registering "`XHook` as `PRE_TOOL_USE`": "hook X is registered as PreToolUse";
- a table listing chunk types: every chunk type MassGen's backends yield must be listed (completeness), and
  each row's key fields (`reasoning_text="..."`): "chunk type T carries F";
- "`display` (bool, default True)" on a line about chunks: "the default of field display of StreamChunk is True";
- a list item "`X` ... (inherits from above)": "X subclasses" the previous item's class;
- a table row marked **Abstract** (`get_disallowed_tools(config)`), or "the `m()` abstract method on `C`":
  "C.m is abstract" (without a class: abstract on the class that defines it);
- "`C` ... base class calls `g()` and registers via `h()`": "C calls g", "C calls h".
"""

from __future__ import annotations

import re

from massgen_guide.checks.claims.check import Finding
from massgen_guide.checks.claims.markdown import iter_prose_lines
from massgen_guide.checks.claims.package_index import PackageIndex
from massgen_guide.checks.claims.references import FAILED, VERIFIED
from massgen_guide.checks.claims.syntax import Claim

_CELL_CODE_RE = re.compile(r"`([^`]+)`")
_PATH_ARROW_RE = re.compile(r"`(massgen/[\w/]+\.py)`\s*(?:->|→)\s*`([A-Za-z_]\w*)(?:\(\))?`")
_SENTENCE_HOOK_RE = re.compile(r"`(\w+Hook)` as `?(PRE_TOOL_USE|POST_TOOL_USE|PreToolUse|PostToolUse)\b")


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _tables(markdown: str) -> list[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """(header line, header cells, [(row line, cells)]) for each table outside fences."""
    out = []
    current: tuple[int, list[str], list[tuple[int, list[str]]]] | None = None
    for line in iter_prose_lines(markdown):
        stripped = line.text.strip()
        if stripped.startswith("|"):
            cells = _cells(stripped)
            if current is None:
                current = (line.number, cells, [])
                out.append(current)
            elif all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            else:
                current[2].append((line.number, cells))
        else:
            current = None
    return out


def implicit_claims(markdown: str, index: PackageIndex) -> list[tuple[int, Claim, str]]:
    claims: list[tuple[int, Claim, str]] = []
    for _, header, rows in _tables(markdown):
        lowered = [h.lower() for h in header]
        if "lines" in lowered:
            col = lowered.index("lines")
            for number, cells in rows:
                names = _CELL_CODE_RE.findall(cells[0]) if cells else []
                count = re.search(r"\d[\d,]*", cells[col]) if col < len(cells) else None
                if names and count:
                    n = count.group(0).replace(",", "")
                    claim = Claim("lines", {"f": names[0], "n": n}, f"{names[0]} is about {n} lines",
                                  extra={"tolerance": 15})
                    claims.append((number, claim, f"{names[0]} is about {cells[col]} lines"))
        if "type" in lowered:
            col = lowered.index("type")
            for number, cells in rows:
                value = cells[col] if col < len(cells) else ""
                names = _CELL_CODE_RE.findall(cells[0]) if cells else []
                if names and value in {"PreToolUse", "PostToolUse"}:
                    claim = Claim("hook-type", {"x": names[0], "t": value}, f"hook {names[0]} is registered as {value}")
                    claims.append((number, claim, claim.statement))
    claims.extend(_behaviour_claims(markdown))
    lines = markdown.splitlines()
    prose = {line.number for line in iter_prose_lines(markdown)}
    for number, text in enumerate(lines, start=1):
        if number in prose:
            for match in _PATH_ARROW_RE.finditer(text):
                path, name = match.group(1), match.group(2)
                claim = Claim("defined-in", {"x": name, "f": path}, f"{name} is defined in {path}")
                claims.append((number, claim, claim.statement))
        if number in prose and not text.lstrip().startswith("|"):
            for match in _SENTENCE_HOOK_RE.finditer(text):
                hook_type = {"PRE_TOOL_USE": "PreToolUse", "POST_TOOL_USE": "PostToolUse"}.get(match.group(2),
                                                                                              match.group(2))
                claim = Claim("hook-type", {"x": match.group(1), "t": hook_type},
                              f"hook {match.group(1)} is registered as {hook_type}")
                claims.append((number, claim, claim.statement))
        if re.search(r"\bstay in sync\b|\bkept in sync\b|\bkeep .* in sync\b", text, re.I):
            window = "\n".join(lines[max(0, number - 8): number])
            functions = re.findall(r"`([A-Za-z_][\w.]*)\(\)`", window)
            unique = list(dict.fromkeys(functions))
            if len(unique) >= 2:
                a, b = unique[-2], unique[-1]
                claim = Claim("derived", {"a": a, "b": b}, f"{a} and {b} are separate definitions", negated=True)
                claims.append((number, claim, f"{a} and {b} must be kept in sync by hand"))
    return claims


_FIELD_DEFAULT_RE = re.compile(r"`(\w+)` \([^)]*\bdefault ([\w.\"']+)\)")
_INHERITS_ABOVE_RE = re.compile(r"^\s*[-*]\s+`(\w+)`.*\(inherits from above\)")
_ABSTRACT_ON_RE = re.compile(r"`(\w+)\(\)` abstract method on `(\w+)`")
_BASE_CALLS_RE = re.compile(r"`([A-Z]\w+)`.*?\bbase class calls `(\w+)\(\)`(?:.*?\bregisters via `(\w+)\(\)`)?")
_CLAIM = Claim


def _behaviour_claims(markdown: str) -> list[tuple[int, Claim, str]]:
    out: list[tuple[int, Claim, str]] = []

    def add(number: int, relation: str, args: dict[str, str], statement: str, negated: bool = False) -> None:
        out.append((number, _CLAIM(relation, args, statement, negated=negated), statement))

    for _, header, rows in _tables(markdown):
        lowered = [h.lower() for h in header]
        fields_col = lowered.index("key fields") if "key fields" in lowered else None
        for number, cells in rows:
            chunk = re.fullmatch(r'`"([a-z_]+)"`', cells[0]) if cells else None
            if chunk and fields_col is not None and fields_col < len(cells):
                for name in dict.fromkeys(re.findall(r"\b(\w+)=", cells[fields_col])):
                    add(number, "chunk-field", {"t": chunk.group(1), "x": name},
                        f'chunk type "{chunk.group(1)}" carries {name}')
            if any("**abstract**" in c.lower() for c in cells[1:]):
                method = re.match(r"`(\w+)\(", cells[0])
                if method:
                    add(number, "abstract", {"m": method.group(1)}, f"{method.group(1)} is abstract")
    previous_item = ""
    for line in iter_prose_lines(markdown):
        text = line.text
        if "chunk" in text.lower():
            for name, value in _FIELD_DEFAULT_RE.findall(text):
                add(line.number, "default", {"p": name, "f": "StreamChunk", "v": value},
                    f"the default of field {name} of StreamChunk is {value}")
        inherits = _INHERITS_ABOVE_RE.match(text)
        if inherits and previous_item:
            add(line.number, "subclasses", {"x": inherits.group(1), "y": previous_item},
                f"{inherits.group(1)} subclasses {previous_item}")
        item = re.match(r"^\s*[-*]\s+`([A-Z]\w+)`", text)
        previous_item = item.group(1) if item else ("" if not text.strip() else previous_item)
        for method, cls in _ABSTRACT_ON_RE.findall(text):
            add(line.number, "abstract", {"m": f"{cls}.{method}"}, f"{cls}.{method} is abstract")
        for cls, first, second in _BASE_CALLS_RE.findall(text):
            for called in (first, second):
                if called:
                    add(line.number, "calls", {"f": cls, "g": called}, f"{cls} calls {called}")
    return out


def chunk_table_completeness(markdown: str, page: str, index: PackageIndex) -> list[Finding]:
    """A table of chunk types must list every type MassGen's backends yield or `ChunkType` declares."""
    findings = []
    yielded = {value: loc for value, loc in index.chunk_types.items()
               if loc[0].startswith(("massgen/backend/", "massgen/stream_chunk/"))}
    for number, header, rows in _tables(markdown):
        listed = []
        for _, cells in rows:
            match = re.fullmatch(r'`"([a-z_]+)"`', cells[0]) if cells else None
            if match:
                listed.append(match.group(1))
        if len(listed) < 3:
            continue
        missing = sorted(set(yielded) - set(listed))
        text = f"table of {len(listed)} chunk types"
        if missing:
            first = yielded[missing[0]]
            findings.append(Finding(page, number, "claim", "chunk-table", text, FAILED,
                                    f"the table omits {len(missing)} chunk type(s) MassGen yields: "
                                    + ", ".join(f'"{m}"' for m in missing), "",
                                    f"{first[0]}:{first[1]}", " | ".join(header)))
        else:
            findings.append(Finding(page, number, "claim", "chunk-table", text, VERIFIED,
                                    "lists every chunk type MassGen's backends yield", "", "", " | ".join(header)))
    return findings
