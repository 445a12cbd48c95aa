"""Deciding what an inline code span refers to: explicit, ordered rules (first match wins).

`classify(text, context)` returns the references a span makes (usually one; a shell command can name several
paths) or the rule that says it names nothing of MassGen's. The rules, in order, are listed in `IGNORE_RULES`
and `KIND_RULES` and printed on the claims-report page, so a writer can predict what is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- what is ignored, and why (rule id -> explanation shown on the report page) ---------------------------------
IGNORE_RULES: dict[str, str] = {
    "empty": "empty or punctuation-only spans",
    "literal": "Python/YAML literal values: `True`, `False`, `None`, `null`, numbers, `{}`, `[]`",
    "quoted": "quoted strings that are not in a chunk-type context (the line, or the table header / the line "
              "above a table, does not mention \"chunk\")",
    "placeholder": "placeholders: text with `<...>` or `{...}`, or names starting with `Your`/`your_`/`YOUR_`/"
                   "`My`/`my_`/`Example` (a path with a placeholder is checked up to its last real folder)",
    "ours": "this guide's own names: `massgen-guide ...`, `dev.py`, `snippets/...`, `tests/...`, `hooks/...`, "
            "`mkdocs ...`, `pytest ...`, `MASSGEN_SOURCE`, `MASSGEN_GUIDE_*`; and every non-MassGen-path span on a line that names `mkdocs.yml`, "
            "`pyproject.toml`, `dev.py` or `massgen-guide` (settings of this guide)",
    "external-owner": "a name right after another project's possessive (\"LiteLLM's `completion_cost`\", "
                      "\"the SDK's `HookMatcher`\"): see `EXTERNAL_OWNER_RE`",
    "keyword": "Python keywords, also with a colon (`finally:`, `else:`, `return`)",
    "not-massgen-path": "paths outside MassGen's tree: starting with `.`, `/`, `~`, `$`, a URL, or a first folder "
                        "other than `massgen/`, `scripts/`, `docs/`",
    "flag": "command-line flags (`--e2e`, `-C`)",
    "decorator": "decorators and operators (`@abstractmethod`, `->`, `**kwargs`)",
    "command": "shell commands and code expressions (text with spaces); MassGen paths inside them are still checked",
    "plain-word": "a single lowercase word without `_`, `.` or `()` (`content`, `cwd`): too ambiguous to check",
    "external-name": "well-known names that are not MassGen's (Python builtins, `typing`, `asyncio`, `pathlib`, "
                     "`pydantic`, SDK types); see `EXTERNAL_NAMES`",
    "expression": "dotted expressions not rooted in MassGen (`os.getenv`, `config.get`, `kwargs`)",
    "search-term": "a term the text tells you to search for (\"search for `native_hook`\"): not a name",
    "other-file": "bare file names that are not Python modules (`AGENTS.md`, `auth.json`): files other tools read",
}

KIND_RULES: list[tuple[str, str]] = [
    ("path", "text with `/` whose first folder is `massgen/` (checked in the package), or `scripts/`/`docs/` "
             "(repository-only: *cannot check* against an installed package or a release wheel)"),
    ("file name", "a bare `name.py`: some module with that file name exists in the package"),
    ("module", "a dotted name starting with `massgen.`: module, then class/function/attribute inside it"),
    ("member", "`Class.member`: the class exists and the member (method, attribute, field, enum member) is "
               "defined on it or a base class that resolves statically"),
    ("class", "a CamelCase name: a class, a module-level name or an enum value (`PreToolUse`) in MassGen"),
    ("function", "`name()` or `name(args)`: a function or method with that name (placeholders in the arguments "
                 "are fine: `end_api_call_timing(success=...)`)"),
    ("constant", "an UPPER_CASE name: a module-level name, an enum member or class constant, or a string "
                 "MassGen reads (environment variable names)"),
    ("config key", "`key: value`: a key MassGen reads as a string, or one used in MassGen's bundled configs"),
    ("chunk type", "a quoted string in a chunk context: a `StreamChunk` type MassGen yields or `ChunkType` declares"),
    ("own code", "a class, function or name MassGen lacks but this guide's example code defines (`snippets/`, "
                 "`massgen_guide/examples/fake_provider.py`, `massgen_guide/examples/conformance/`) is verified against that code"),
    ("name", "any other snake_case identifier (`stream_with_tools`, `self.cwd`): a function, method, attribute, "
             "module-level name or config key"),
]

EXTERNAL_NAMES = frozenset({
    # builtins and stdlib
    "True", "False", "None", "Exception", "ValueError", "TypeError", "RuntimeError", "KeyError", "ImportError",
    "NotImplementedError", "StopAsyncIteration", "AttributeError", "OSError", "FileNotFoundError", "TimeoutError",
    "dict", "list", "str", "int", "float", "bool", "set", "tuple", "object", "bytes", "print", "len", "super",
    "isinstance", "getattr", "setattr", "hasattr", "open", "type", "Path", "Enum", "ABC", "abstractmethod",
    "dataclass", "field", "asyncio", "subprocess", "os", "json", "re", "sys", "logging", "pathlib", "typing",
    "Any", "Dict", "List", "Optional", "Union", "Tuple", "Callable", "Awaitable", "AsyncGenerator",
    "AsyncIterator", "Iterator", "Generator", "Literal", "TypedDict", "Protocol", "NamedTuple", "ClassVar",
    "BaseModel", "Field", "PurePath", "SimpleNamespace", "ContextManager", "AsyncExitStack",
    # third-party SDKs and tools
    "AsyncOpenAI", "OpenAI", "Anthropic", "AsyncAnthropic", "HookMatcher", "ClaudeSDKClient", "ClaudeAgentOptions",
    "FastMCP", "LiteLLM", "MkDocs", "YAML", "JSON", "JSONL", "NDJSON", "SSE", "HTTP", "HTTPS", "API", "SDK",
    "CLI", "MCP", "OAuth", "README", "TODO", "URL", "UTF-8", "PyPI", "GitHub", "Docker", "Dockerfile",
    "ReadTimeout", "ConnectError", "ConnectTimeout", "RemoteProtocolError", "HTTPStatusError", "JSONDecodeError",
    "ThreadingHTTPServer", "HTTPServer", "BaseHTTPRequestHandler", "CancelledError", "CalledProcessError",
    "httpx", "aiohttp", "pytest", "uv", "pip", "npm", "npx", "fastmcp", "mkdocs", "griffe",
})

PATH_ROOTS = ("massgen", "scripts", "docs")
REPO_ONLY_ROOTS = ("scripts", "docs")
OUR_PREFIXES = ("massgen-guide", "massgen_guide", "dev.py", "snippets/", "tests/", "hooks/", "mkdocs",
                "pytest", ".ci/", "python3 dev.py", "site/", "MASSGEN_SOURCE", "MASSGEN_GUIDE")
OUR_FILES_RE = re.compile(r"`(mkdocs\.yml|pyproject\.toml|dev\.py|massgen-guide)\b")
EXTERNAL_OWNER_RE = re.compile(r"\b(LiteLLM|litellm|SDK|CLI|Anthropic|OpenAI|pydantic|Pydantic|MkDocs|Material|pytest|"
                               r"httpx|aiohttp|fastmcp|FastMCP|Docker|npm|uv)'s\s*$")
PY_KEYWORDS = frozenset(("False None True and as assert async await break class continue def del elif else except "
                         "finally for from global if import in is lambda nonlocal not or pass raise return try while "
                         "with yield").split())
FILE_EXT_RE = re.compile(r"\.(py|ya?ml|md|toml|json|rst|txt|cfg|ini|sh|js|css|html)$")
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DOTTED_RE = re.compile(rf"^{IDENT}(\.{IDENT})*$")
CALL_RE = re.compile(rf"^(?P<name>{IDENT}(?:\.{IDENT})*)\((?P<args>.*)\)$")
YAML_PAIR_RE = re.compile(r"^(?P<key>[a-z_][a-z0-9_]*):(\s+.*)?$")
CAMEL_RE = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
UPPER_RE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]{2,}[0-9]*$")
SNAKE_RE = re.compile(r"^_*[a-z][a-z0-9]*(_+[a-z0-9]+)+_*$|^__[a-z0-9_]+__$|^_[a-z][a-z0-9]*$")
PLACEHOLDER_RE = re.compile(r"<[^>]*>|\{[^}]*\}|(^|[/._])([Yy]our|YOUR|[Mm]y|MY|Example)(?=[A-Z_]|$)|\.\.\.")
QUOTED_RE = re.compile(r"""^(["'])(?P<value>[^"']*)\1$""")
PATH_TOKEN_RE = re.compile(r"(?<![\w/.-])((?:massgen|scripts|docs)/[\w./<>\-]*)")


@dataclass(frozen=True)
class Reference:
    text: str
    """The span as written."""
    kind: str
    target: str
    """What is looked up (normalised: call arguments, `self.` and trailing `/` handling removed)."""


@dataclass(frozen=True)
class Ignored:
    text: str
    rule: str


def _path_refs(text: str) -> list[Reference | Ignored]:
    target = re.sub(r":\d+(-\d+)?$", "", text.strip())  # massgen/x.py:120 -> the file
    if PLACEHOLDER_RE.search(target):
        parts = target.split("/")
        real = []
        for part in parts:
            if PLACEHOLDER_RE.search(part):
                break
            real.append(part)
        if len(real) < 1:
            return [Ignored(text, "placeholder")]
        return [Reference(text, "path", "/".join(real) + "/")]
    return [Reference(text, "path", target)]


def classify(text: str, context: str = "") -> list[Reference | Ignored]:
    """What a span refers to. See the module docstring for the rules."""
    raw = text
    text = text.strip()
    if text in {"True", "False", "None", "null", "true", "false", "{}", "[]"} or re.fullmatch(r"[-+]?\d[\d_.eE%+-]*", text):
        return [Ignored(raw, "literal")]
    if not text or not re.search(r"[A-Za-z]", text):
        return [Ignored(raw, "empty")]
    if text.rstrip(":") in PY_KEYWORDS:
        return [Ignored(raw, "keyword")]
    quoted = QUOTED_RE.match(text)
    if quoted:
        value = quoted.group("value")
        if "chunk" in context.lower() and re.fullmatch(r"[a-z][a-z0-9_]*", value):
            return [Reference(raw, "chunk type", value)]
        return [Ignored(raw, "quoted")]
    if text.startswith(OUR_PREFIXES) or text in {"dev.py", "massgen-guide"}:
        return [Ignored(raw, "ours")]
    if text.startswith("-"):
        return [Ignored(raw, "flag")] if " " not in text else [Ignored(raw, "command")]
    if text.startswith("@") or text.startswith("*") or text in {"->", "=>", "|"}:
        return [Ignored(raw, "decorator")]
    if re.match(r"^(https?://|[./~$])", text):
        return [Ignored(raw, "not-massgen-path")]
    yaml_pair = YAML_PAIR_RE.match(text)
    if yaml_pair and " " in text or (yaml_pair and text.endswith(":")):
        key = yaml_pair.group("key")
        if PLACEHOLDER_RE.search(key):
            return [Ignored(raw, "placeholder")]
        return [Reference(raw, "config key", key)]
    if re.search(r"\s", text) and not CALL_RE.match(text):
        refs: list[Reference | Ignored] = []
        for token in PATH_TOKEN_RE.findall(text):
            refs.extend(_path_refs(token.rstrip(".,;:")))
        return refs or [Ignored(raw, "command")]
    if "/" in text:
        first = text.split("/", 1)[0]
        if first in PATH_ROOTS:
            return _path_refs(text)
        return [Ignored(raw, "not-massgen-path")]
    call = CALL_RE.match(text)
    if call and not PLACEHOLDER_RE.search(call.group("name")):
        name = call.group("name")
        if name.startswith("self."):
            name = name[5:]
        if "." in name or CAMEL_RE.match(name):  # Class.method(...) -> member, StreamChunk(...) -> class
            return [Reference(raw, r.kind, r.target) if isinstance(r, Reference) else Ignored(raw, r.rule)
                    for r in classify(name, context)]
        if name in EXTERNAL_NAMES:
            return [Ignored(raw, "external-name")]
        return [Reference(raw, "function", name)]
    if PLACEHOLDER_RE.search(text):
        return [Ignored(raw, "placeholder")]
    if FILE_EXT_RE.search(text) and DOTTED_RE.match(text.rsplit(".", 1)[0] or "x"):
        if text.endswith(".py"):
            return [Reference(raw, "file name", text)]
        return [Ignored(raw, "other-file")]
    if not DOTTED_RE.match(text):
        return [Ignored(raw, "command")]
    if text.startswith("self."):
        rest = text[5:]
        return [Reference(raw, "name", rest.split(".")[0])]
    if text.startswith("massgen.") or text == "massgen":
        return [Reference(raw, "module", text)]
    if text in EXTERNAL_NAMES:
        return [Ignored(raw, "external-name")]
    if "." in text:
        head, _, rest = text.partition(".")
        if CAMEL_RE.match(head) and head not in EXTERNAL_NAMES:
            return [Reference(raw, "member", text)]
        return [Ignored(raw, "expression")]
    if CAMEL_RE.match(text):
        return [Reference(raw, "class", text)]
    if UPPER_RE.match(text):
        return [Reference(raw, "constant", text)]
    if SNAKE_RE.match(text):
        return [Reference(raw, "name", text)]
    if re.fullmatch(r"[a-z][a-z0-9]*", text):
        return [Ignored(raw, "plain-word")]
    return [Ignored(raw, "command")]
