"""File:line evidence as links: to MassGen's GitHub repository at the release tag for an installed package or
a release, or to the local file for a checkout."""

from __future__ import annotations

from dataclasses import dataclass

from massgen_guide.source.selection import MassGenSource

REPOSITORY = "https://github.com/massgen/MassGen"


@dataclass(frozen=True)
class Evidence:
    """A place in MassGen's source."""

    path: str
    """Repository path, e.g. `massgen/backend/base.py`."""
    line: int

    def label(self) -> str:
        return f"{self.path}:{self.line}"


def source_url(source: MassGenSource, path: str, line: int | None = None) -> str:
    """The URL of a repository path (and line) of the documented MassGen."""
    anchor = f"#L{line}" if line else ""
    if source.kind == "checkout":
        return source.path_of(path).resolve().as_uri() + anchor
    return f"{REPOSITORY}/blob/v{source.version}/{path}{anchor}"


def link(source: MassGenSource, evidence: Evidence) -> str:
    """A Markdown link showing `path:line`."""
    return f"[`{evidence.label()}`]({source_url(source, evidence.path, evidence.line)})"


def file_link(source: MassGenSource, path: str) -> str:
    return f"[`{path}`]({source_url(source, path)})"
