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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massgen_guide.errors import GuideError

_N = r"`?(?P<{0}>[A-Za-z_][\w.]*?)(?:\(\))?`?"
_P = r"`?(?P<{0}>[\w./\-]+?)`?"


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
]

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
        return f"`{a['x']}` writes its instructions to `{a['p']}`"


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
        neg = (match.groupdict().get("neg") or "").lower()
        negated = neg in {"does not subclass", "no", "separate definitions"}
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
