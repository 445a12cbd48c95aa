"""Claims a document states without the claim syntax (used for MassGen's own upstream skill file).

The upstream SKILL.md states relations in tables and sentences. These readers turn the recognisable ones into
the same `Claim` objects the guide writes explicitly, so one verifier checks both:

- a table with a `Lines` column: "file F is about N lines" for each row (`grok.py | ~81`);
- a table with a `Type` column holding `PreToolUse`/`PostToolUse`: "hook X is registered as T";
- a sentence saying two functions "must stay in sync": "A and B are separate definitions";
- "`massgen/file.py` -> `function()`": "function is defined in massgen/file.py";
- a sentence registering "`XHook` as `PRE_TOOL_USE`": "hook X is registered as PreToolUse";
- a table listing chunk types: every chunk type MassGen's backends yield must be listed (completeness).
"""

from __future__ import annotations

import re

from massgen_guide.checks.claims.check import Finding
from massgen_guide.checks.claims.index import PackageIndex
from massgen_guide.checks.claims.markdown import iter_prose_lines
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
