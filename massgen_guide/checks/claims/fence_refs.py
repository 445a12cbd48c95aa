"""The names a document's code fences use, checked against MassGen (for the upstream skill file).

Fences in a skill file are fragments (`elif ...:` branches, single calls, signatures), so they are read line by
line with these rules, not parsed whole:

- **imports**: `from massgen.x import a, b` and relative `from .x import a` / `from ..x import a` (relative to
  `massgen/backend/`, where a backend module lives, or to the file a leading `# massgen/...py` comment names):
  the module must exist and define or import each name;
- **methods on self**: `self.m(...)` must be a method of the class the fence declares (`class X(Bases)`), or,
  without one, of MassGen's backend base classes (`BASE_CLASSES`) or a method the fence defines itself;
- **methods on MassGen objects**: `self.attr.m(...)` where MassGen assigns `self.attr = SomeClass(...)`: `m` must
  be a member of that class;
- **keywords**: `SomeClass(k=...)` and `imported_function(k=...)` for a MassGen class or a function the fence
  imports from MassGen: each keyword must be a parameter or (dataclass) field;
- **paths**: `massgen/...`, `scripts/...` and `docs/...` paths anywhere in the fence (placeholder parts such as
  `your_backend` are checked up to the last real folder).

Names with placeholders (`YourBackend`, `your_backend`, `<name>`) are skipped.
"""

from __future__ import annotations

import ast
import re

from massgen_guide.checks.claims.check import Finding
from massgen_guide.checks.claims.classify import PATH_TOKEN_RE, PLACEHOLDER_RE, Reference, _path_refs
from massgen_guide.checks.claims.code_reach import find_function, parse_file
from massgen_guide.checks.claims.package_index import PackageIndex
from massgen_guide.checks.claims.references import FAILED, UNCHECKABLE, VERIFIED, _closest, check_path, resolve_dotted
from massgen_guide.checks.fences import PYTHON_LANGS, find_fences

BASE_CLASSES = ("LLMBackend", "CustomToolAndMCPBackend", "ChatCompletionsBackend", "ResponseBackend",
                "NativeToolBackendMixin", "StreamingBufferMixin")
_IMPORT_RE = re.compile(r"^\s*from\s+(?P<mod>\.+[\w.]*|massgen[\w.]*)\s+import\s+\(?(?P<names>[\w\s,]+)\)?")
_CLASS_RE = re.compile(r"^\s*class\s+(\w+)\((?P<bases>[^)]*)\)")
_DEF_RE = re.compile(r"^\s*(?:async\s+)?def\s+(\w+)")
_SELF_CALL_RE = re.compile(r"\bself\.(\w+)\(")
_SELF_ATTR_CALL_RE = re.compile(r"\bself\.(\w+)\.(\w+)\(")
_CALL_START_RE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
_LOCATION_RE = re.compile(r"^#\s*(massgen/[\w/]+)\.py")
_ABOUT_FILE_RE = re.compile(r"^#\s*(?:massgen/[\w/]*/)?(\w+\.py)\b")


def _relative_base(body_lines: list[str]) -> str:
    first = next((line.strip() for line in body_lines if line.strip()), "")
    match = _LOCATION_RE.match(first)
    if match and not PLACEHOLDER_RE.search(match.group(1)):
        return match.group(1).replace("/", ".").rsplit(".", 1)[0]
    if match:
        return match.group(1).replace("/", ".").rsplit(".", 1)[0]
    return "massgen.backend"


def _resolve_module(module: str, base: str) -> str:
    if not module.startswith("."):
        return module
    dots = len(module) - len(module.lstrip("."))
    parts = base.split(".")
    parts = parts[: len(parts) - (dots - 1)] if dots > 1 else parts
    rest = module.lstrip(".")
    return ".".join(parts + ([rest] if rest else []))


def _keywords(text: str, start: int) -> list[str]:
    """Keyword names at depth 1 of the call whose `(` is at `start`."""
    depth, i, out = 0, start, []
    segment = ""
    while i < len(text):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            segment += char
            if char == "\n":
                segment = ""
        if depth == 1 and char in ",(":
            segment = ""
        match = re.match(r"\s*(\w+)\s*=(?!=)", text[i + 1:]) if depth == 1 and char in ",(" else None
        if match:
            out.append(match.group(1))
        i += 1
    return out


def _accepted(index: PackageIndex, name: str) -> tuple[set[str], bool, str] | None:
    """Parameters or fields `name(...)` accepts: (names, takes **kwargs, where), for a MassGen class or function."""
    located = find_function(index, f"{name}.__init__") if name[:1].isupper() else find_function(index, name)
    fields: set[str] = set()
    where = ""
    if name[:1].isupper():
        classes = sorted(index.classes.get(name, []), key=lambda c: ("/tests/" in c.file, c.file))
        if not classes:
            return None
        cls = classes[0]
        where = f"{cls.file}:{cls.line}"
        for owner in index.mro(cls):
            tree = parse_file(index, owner.file)
            for node in ast.walk(tree) if tree else []:
                if isinstance(node, ast.ClassDef) and node.name == owner.name and node.lineno == owner.line:
                    fields |= {i.target.id for i in node.body if isinstance(i, ast.AnnAssign)
                               and isinstance(i.target, ast.Name)}
        if located is None or located.owner is None or located.owner.name in {"object"}:
            return fields, False, where
    if located is None:
        return None
    args = located.node.args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} - {"self", "cls"}
    return params | fields, args.kwarg is not None, where or located.where


def _finding(page: str, line: int, kind: str, text: str, status: str, message: str, evidence: str = "",
             suggestion: str = "", source: str = "") -> Finding:
    return Finding(page, line, "fence", kind, text, status, message, suggestion, evidence, source)


def check_fences(markdown: str, page: str, index: PackageIndex, source=None) -> list[Finding]:
    findings: list[Finding] = []
    for fence in find_fences(markdown, page):
        findings.extend(_check_fence(fence, page, index, source))
    return findings


def _check_fence(fence, page: str, index: PackageIndex, source) -> list[Finding]:
    out: list[Finding] = []
    lines = fence.body_lines
    is_python = fence.lang in PYTHON_LANGS
    base = _relative_base(lines)
    defined = {m.group(1) for line in lines for m in [_DEF_RE.match(line)] if m}
    imported: dict[str, str] = {}
    classes = []
    for offset, line in enumerate(lines, start=1):
        number = fence.line + offset
        for token in PATH_TOKEN_RE.findall(line):
            for ref in _path_refs(token.rstrip(".,;:\"'")):
                if isinstance(ref, Reference):
                    outcome = check_path(index, source, ref.target)
                    out.append(_finding(page, number, "path", ref.text, outcome.status, outcome.message,
                                        outcome.evidence, outcome.suggestion, line.strip()))
        if not is_python:
            continue
        code = line.split("#", 1)[0]
        match = _IMPORT_RE.match(code)
        if match:
            module = _resolve_module(match["mod"], base)
            for name in (n.strip() for n in match["names"].split(",")):
                if not name or PLACEHOLDER_RE.search(name) or PLACEHOLDER_RE.search(module):
                    continue
                imported[name] = f"{module}.{name}"
                outcome = resolve_dotted(index, f"{module}.{name}")
                out.append(_finding(page, number, "import", f"from {match['mod']} import {name}", outcome.status,
                                    outcome.message or f"{module} defines {name}", outcome.evidence,
                                    outcome.suggestion, line.strip()))
        cls_match = _CLASS_RE.match(code)
        if cls_match:
            classes = [b.strip().rsplit(".", 1)[-1] for b in cls_match["bases"].split(",") if b.strip()]
    about = _ABOUT_FILE_RE.match(next((line.strip() for line in lines if line.strip()), ""))
    if about and not classes:  # "# claude_code.py pattern": the methods of that file's classes count too
        classes = sorted({c.name for group in index.classes.values() for c in group
                          if c.file.endswith("/" + about.group(1)) and "/tests/" not in c.file})
    owners = [c for name in (classes or BASE_CLASSES) for c in index.classes.get(name, [])[:1]]
    members: set[str] = set()
    for cls in owners:
        members |= index.members(cls)
    scope = f"{', '.join(classes)} (the fence's bases)" if classes else "MassGen's backend base classes"
    text = "\n".join(lines)
    for offset, line in enumerate(lines, start=1):
        if not is_python:
            break
        number = fence.line + offset
        code = line.split("#", 1)[0]
        attr_calls = {(m.group(1), m.group(2)) for m in _SELF_ATTR_CALL_RE.finditer(code)}
        for match in _SELF_CALL_RE.finditer(code):
            name = match.group(1)
            if name in defined or PLACEHOLDER_RE.search(name) or any(a == name for a, _ in attr_calls):
                continue
            if name in members:
                owner = next((index.member(c, name) for c in owners if index.member(c, name)), None)
                evidence = f"{owner[0].file}:{owner[1]}" if owner else ""
                out.append(_finding(page, number, "method", f"self.{name}()", VERIFIED, f"defined on {scope}",
                                    evidence, "", line.strip()))
            else:
                out.append(_unknown_self_method(index, page, number, name, members, scope, bool(classes), line))
        for attr, method in sorted(attr_calls):
            target = _assigned_class(index, attr)
            if target is None:
                continue
            cls = index.classes[target][0]
            if method in index.members(cls):
                owner = index.member(cls, method)
                out.append(_finding(page, number, "method", f"self.{attr}.{method}()", VERIFIED,
                                    f"self.{attr} is a {target}, which defines {method}",
                                    f"{owner[0].file}:{owner[1]}" if owner else "", "", line.strip()))
            else:
                match_ = _closest(method, index.members(cls))
                out.append(_finding(page, number, "method", f"self.{attr}.{method}()", FAILED,
                                    f"self.{attr} is a {target} ({cls.file}:{cls.line}), which has no method "
                                    f"{method}", f"{cls.file}:{cls.line}",
                                    f"{target}.{match_[0]}" if match_ else "", line.strip()))
    for match in _CALL_START_RE.finditer(text):
        name = match.group(1)
        known = name in imported or (name[:1].isupper() and name in index.classes)
        if not known or PLACEHOLDER_RE.search(name) or name in defined:
            continue
        accepted = _accepted(index, imported.get(name, name))
        keywords = _keywords(text, match.end() - 1)
        if accepted is None or not keywords:
            continue
        params, takes_any, where = accepted
        number = fence.line + 1 + text[: match.start()].count("\n")
        bad = [k for k in keywords if k not in params]
        if bad and not takes_any:
            at = re.compile(rf"\b{bad[0]}\s*=").search(text, match.end())
            number = fence.line + 1 + text[: at.start() if at else match.start()].count("\n")
            near = _closest(bad[0], params)
            out.append(_finding(page, number, "keyword", f"{name}({', '.join(bad)}=...)", FAILED,
                                f"{name} takes no {', '.join(bad)} ({where})", where,
                                near[0] if near else "", lines[number - fence.line - 1].strip()))
        else:
            out.append(_finding(page, number, "keyword", f"{name}({', '.join(keywords)})", VERIFIED,
                                f"{name} accepts {len(keywords)} keyword(s)", where, "",
                                lines[number - fence.line - 1].strip()))
    return out


def _unknown_self_method(index: PackageIndex, page: str, number: int, name: str, members: set[str], scope: str,
                         declared: bool, line: str) -> Finding:
    """`self.name()` that the bases do not define: out of date when the fence declares its class or the name is
    close to a base method (a renamed method); a helper of one backend, or of the reader's, otherwise."""
    near = _closest(name, members)
    elsewhere = sorted({f for f, _ in index.functions.get(name, []) if "/tests/" not in f})
    if declared or (near and not elsewhere):
        why = f"not defined on {scope}" + (f" (defined only in {elsewhere[0]})" if elsewhere else "")
        return _finding(page, number, "method", f"self.{name}()", FAILED, why, "", near[0] if near else "",
                        line.strip())
    why = (f"not on {scope}; a helper of {elsewhere[0]}" if elsewhere else
           f"not on {scope} nor anywhere in MassGen: the reader's own helper")
    return _finding(page, number, "method", f"self.{name}()", UNCHECKABLE, why, "", "", line.strip())


def _assigned_class(index: PackageIndex, attr: str) -> str | None:
    """The MassGen class assigned to `self.attr` in MassGen's backends (`self.attr = Class(...)`), if one."""
    pattern = re.compile(rf"self\.{re.escape(attr)}\s*(?::[^=\n]+)?=\s*([A-Z]\w*)\(")
    for rel in sorted(index.files):
        if rel.startswith("massgen/backend/") and rel.endswith(".py"):
            match = pattern.search(index.read_text(rel))
            if match and match.group(1) in index.classes:
                return match.group(1)
    return None
