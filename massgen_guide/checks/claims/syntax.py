"""The claim syntax writers use in the prose, parsed and rendered.

A claim is written inline as

    [[claim: STATEMENT]]                  rendered as the statement, names in code
    [[claim: STATEMENT | shown text]]     rendered as the shown text (free wording)

STATEMENT is one of (names may be wrapped in backticks; keywords are case-insensitive):

    X subclasses Y                              (also: X inherits from Y; X does not subclass Y;
                                                 X directly subclasses Y: Y is among X's own bases)
    hook X is registered as PreToolUse          (or PostToolUse)
    backend X has a native hook adapter         (or: has no native hook adapter; has native hook adapter A)
    file F is about N lines                     (within ±15%; or: is about N lines ±P%)
    A and B are derived from one definition     (or: A and B are separate definitions)
    X is defined in F
    backend X writes its instructions to P
    X does not exist                            (a path or name MassGen no longer has)
    F yields chunk type T                       (or: F never yields T; F does not yield T)
    F calls G                                   (or: F does not call G)
    F raises E [when ...]                       (or: F does not raise E; the "when" text is not checked)
    the default of parameter P of F is V        (or: parameter P of F defaults to V; "field P of C" for a
                                                 class's annotated fields, e.g. a dataclass)
    config key K defaults to V [in F]
    C overrides M                               (or: C does not override M)
    F returns V                                 (every return statement of F's own body returns V)
    F reads config key K                        (the string K appears in F or a function it reaches)
    C.M is abstract                             (or: C.M is not abstract; M is abstract: on some class)
    chunk type T carries F                      (some `StreamChunk(type="T", F=...)` outside MassGen's tests)

F, G are `Class.method`, `function` or `massgen.module.function`; the behaviour kinds are explained in
`behaviour.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massgen_guide.errors import GuideError

_N = r"`?(?P<{0}>[A-Za-z_][\w.]*?)(?:\(\))?`?"
_P = r"`?(?P<{0}>[\w./\-]+?)`?"
_T = r'`?"?(?P<t>[a-z][a-z0-9_]*)"?`?'
_V = r"`?(?P<v>[^`]+?)`?"


def _n(name: str) -> str:
    return _N.format(name)


def _p(name: str) -> str:
    return _P.format(name)


PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("subclasses", re.compile(rf"^{_n('x')}\s+(?P<neg>does not subclass|directly subclasses|subclasses|inherits from|is a subclass of)\s+{_n('y')}$", re.I),
     "X [directly] subclasses Y"),
    ("hook-type", re.compile(rf"^(?:hook\s+)?{_n('x')}\s+is registered as\s+`?(?P<t>PreToolUse|PostToolUse|PRE_TOOL_USE|POST_TOOL_USE)`?$", re.I),
     "hook X is registered as PreToolUse|PostToolUse"),
    ("native-adapter", re.compile(rf"^(?:backend\s+)?{_n('x')}\s+has\s+(?P<neg>a|no)\s+native hook adapter(?:\s+{_n('a')})?$", re.I),
     "backend X has a|no native hook adapter [A]"),
    ("native-adapter", re.compile(rf"^(?:backend\s+)?{_n('x')}\s+has\s+native hook adapter\s+{_n('a')}$", re.I),
     "backend X has native hook adapter A"),
    ("lines", re.compile(rf"^(?:file\s+)?{_p('f')}\s+is about\s+~?(?P<n>\d[\d,]*)\s+lines(?:\s*(?:±|\+-|\+/-)\s*(?P<tol>\d+)\s*%)?$", re.I),
     "file F is about N lines [±P%]"),
    ("derived", re.compile(rf"^{_n('a')}\s+and\s+{_n('b')}\s+are\s+(?P<neg>derived from one definition|separate definitions)$", re.I),
     "A and B are derived from one definition"),
    ("defined-in", re.compile(rf"^{_n('x')}\s+is defined in\s+{_p('f')}$", re.I),
     "X is defined in F"),
    ("absent", re.compile(rf"^(?:file\s+|folder\s+|name\s+)?{_p('x')}\s+(?:does not exist|no longer exists)$", re.I),
     "X does not exist"),
    ("writes-instructions", re.compile(rf"^(?:backend\s+)?{_n('x')}\s+writes its instructions to\s+{_p('p')}$", re.I),
     "backend X writes its instructions to P"),
    ("yields", re.compile(rf"^{_n('f')}\s+(?P<neg>yields|never yields|does not yield)\s+(?:an?\s+)?"
                          rf"(?:chunk type\s+|chunks of type\s+)?{_T}(?:\s+chunks?)?$", re.I),
     "F yields chunk type T | F never yields T"),
    ("calls", re.compile(rf"^{_n('f')}\s+(?P<neg>calls|does not call|never calls)\s+{_n('g')}$", re.I),
     "F calls G | F does not call G"),
    ("raises", re.compile(rf"^{_n('f')}\s+(?P<neg>raises|does not raise|never raises)\s+{_n('e')}"
                          rf"(?:\s+(?:when|if)\s+(?P<when>.+))?$", re.I),
     "F raises E [when ...] | F does not raise E"),
    ("default", re.compile(rf"^the default of (?:parameter\s+|field\s+)?{_n('p')}\s+(?:of|in)\s+{_n('f')}\s+is\s+{_V}$",
                           re.I),
     "the default of parameter P of F is V"),
    ("default", re.compile(rf"^(?:parameter\s+|field\s+)?{_n('p')}\s+of\s+{_n('f')}\s+defaults to\s+{_V}$", re.I),
     "parameter P of F defaults to V"),
    ("config-default", re.compile(rf"^config key\s+{_n('k')}:?\s+defaults to\s+{_V}(?:\s+in\s+{_n('f')})?$", re.I),
     "config key K defaults to V [in F]"),
    ("returns", re.compile(rf"^{_n('f')}\s+(?:always\s+)?returns\s+{_V}$", re.I), "F returns V"),
    ("reads", re.compile(rf"^{_n('f')}\s+reads\s+(?:config key\s+|key\s+)?`?\"?(?P<k>[\w.\-]+)\"?`?$", re.I),
     "F reads config key K"),
    ("abstract", re.compile(rf"^(?:method\s+)?{_n('m')}\s+is\s+(?P<neg>abstract|not abstract)$", re.I),
     "C.M is abstract | C.M is not abstract"),
    ("chunk-field", re.compile(rf"^(?:a\s+)?(?:chunk type\s+)?{_T}(?:\s+chunks?)?\s+carr(?:y|ies)\s+{_n('x')}$", re.I),
     "chunk type T carries F"),
    ("overrides", re.compile(rf"^{_n('c')}\s+(?P<neg>overrides|does not override)\s+{_n('m')}$", re.I),
     "C overrides M | C does not override M"),
]
NEGATIONS = {"does not subclass", "no", "separate definitions", "never yields", "does not yield", "does not call",
             "never calls", "does not raise", "never raises", "does not override", "not abstract"}

FORMS = "; ".join(form for _, _, form in PATTERNS)


@dataclass
class Claim:
    relation: str
    args: dict[str, str]
    statement: str
    display: str | None = None
    negated: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def render(self) -> str:
        """The readable text that replaces the claim on the page."""
        if self.display:
            return self.display
        a = self.args
        if self.relation == "subclasses":
            verb = "does not subclass" if self.negated else \
                ("directly subclasses" if self.extra.get("direct") else "subclasses")
            return f"`{a['x']}` {verb} `{a['y']}`"
        if self.relation == "hook-type":
            return f"`{a['x']}` is registered as `{a['t']}`"
        if self.relation == "native-adapter":
            if self.negated:
                return f"`{a['x']}` has no native hook adapter"
            return f"`{a['x']}` has a native hook adapter" + (f" (`{a['a']}`)" if a.get("a") else "")
        if self.relation == "lines":
            return f"`{a['f']}` is about {a['n']} lines"
        if self.relation == "derived":
            tail = "are separate definitions" if self.negated else "are derived from one definition"
            return f"`{a['a']}` and `{a['b']}` {tail}"
        if self.relation == "defined-in":
            return f"`{a['x']}` is defined in `{a['f']}`"
        if self.relation == "absent":
            return f"`{a['x']}` does not exist"
        if self.relation in RENDER:
            return RENDER[self.relation](a, self.negated)
        return f"`{a['x']}` writes its instructions to `{a['p']}`"


RENDER = {
    "yields": lambda a, neg: f"`{a['f']}` {'never yields' if neg else 'yields'} `\"{a['t']}\"` chunks",
    "calls": lambda a, neg: f"`{a['f']}` {'does not call' if neg else 'calls'} `{a['g']}`",
    "raises": lambda a, neg: f"`{a['f']}` {'does not raise' if neg else 'raises'} `{a['e']}`"
                             + (f" when {a['when']}" if a.get("when") else ""),
    "default": lambda a, neg: f"the default of `{a['p']}` in `{a['f']}` is `{a['v']}`",
    "config-default": lambda a, neg: f"config key `{a['k']}` defaults to `{a['v']}`"
                                     + (f" in `{a['f']}`" if a.get("f") else ""),
    "returns": lambda a, neg: f"`{a['f']}` returns `{a['v']}`",
    "reads": lambda a, neg: f"`{a['f']}` reads `{a['k']}`",
    "abstract": lambda a, neg: f"`{a['m']}` is {'not ' if neg else ''}abstract",
    "chunk-field": lambda a, neg: f"`\"{a['t']}\"` chunks carry `{a['x']}`",
    "overrides": lambda a, neg: f"`{a['c']}` {'does not override' if neg else 'overrides'} `{a['m']}`",
}


def parse_claim(body: str, where: str) -> Claim:
    """Parse the text inside `[[claim: ...]]`; a malformed claim raises one clear `GuideError`."""
    statement, sep, display = body.partition("|")
    statement = " ".join(statement.split())
    display = display.strip() if sep else None
    if sep and not display:
        raise GuideError(f"{where}: malformed claim [[claim: {body.strip()}]]: nothing after '|'")
    for relation, pattern, _ in PATTERNS:
        match = pattern.match(statement)
        if not match:
            continue
        args = {k: v for k, v in match.groupdict().items() if v is not None and k not in {"neg", "tol"}}
        if "v" in args:
            args["v"] = args["v"].strip()
        neg = (match.groupdict().get("neg") or "").lower()
        negated = neg in NEGATIONS
        claim = Claim(relation, args, statement, display, negated)
        if relation == "subclasses":
            claim.extra["direct"] = neg == "directly subclasses"
        if relation == "lines":
            claim.args["n"] = args["n"].replace(",", "")
            claim.extra["tolerance"] = int(match.group("tol") or 15)
        if relation == "hook-type":
            claim.args["t"] = {"PRE_TOOL_USE": "PreToolUse", "POST_TOOL_USE": "PostToolUse"}.get(
                args["t"].upper(), "PreToolUse" if args["t"].lower() == "pretooluse" else "PostToolUse")
        return claim
    raise GuideError(f"{where}: malformed claim [[claim: {body.strip()}]]: expected one of: {FORMS}")
