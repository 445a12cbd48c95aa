"""The package's layers, and the imports each may make: the pipeline reads from top to bottom.

    source   which MassGen, its version, the caches
    facts    what is read from it (and the guide's data about it)
    checks   the guide's own text checked against the facts
    audit    a MassGen tree checked against the checklist
    scaffold a backend written into a MassGen tree
    site     the pages, llms.txt, the skill
    cli      the command line, over all of them

`examples` (the fake provider and the conformance kit) stands apart: it imports nothing of the guide. The
top-level modules `errors`, `paths`, `md_text`, `tables`, `site_urls` and `progress` are shared by every layer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SHARED = frozenset({"errors", "paths", "md_text", "tables", "site_urls", "progress", "__init__"})

MAY_IMPORT: dict[str, frozenset[str]] = {
    "source": frozenset(),
    "facts": frozenset({"source"}),
    # fence_checks validates the pages' shell fences with the command line's parser, and knows which files a
    # `massgen-guide new` earlier in the same block writes (function-level imports, no import-time cycle)
    "checks": frozenset({"source", "facts", "cli", "scaffold"}),
    "audit": frozenset({"source", "facts", "checks"}),
    "scaffold": frozenset({"source", "facts", "audit"}),
    "site": frozenset({"source", "facts", "checks", "audit", "scaffold"}),
    "examples": frozenset(),
}
"""Each layer, and the other layers it may import from (the shared modules are always allowed)."""


@dataclass(frozen=True)
class UpwardImport:
    path: str
    line: int
    layer: str
    imported: str

    def __str__(self) -> str:
        target = self.imported if self.imported.startswith(".") else f"massgen_guide.{self.imported}"
        return f"{self.path}:{self.line}: {self.layer}/ imports {target}, which it may not"


def imported_layers(node: ast.AST) -> list[str]:
    """The top-level names under `massgen_guide` that one import statement reads."""
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        parts = node.module.split(".")
        if parts[0] != "massgen_guide":
            return []
        return [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
    if isinstance(node, ast.Import):
        return [a.name.split(".")[1] for a in node.names if a.name.startswith("massgen_guide.")]
    return []


def upward_imports(package_dir: Path) -> list[UpwardImport]:
    """Every import, at any depth of any module of a layer, that reaches a layer it may not import."""
    found: list[UpwardImport] = []
    for layer, allowed in MAY_IMPORT.items():
        for path in sorted((package_dir / layer).rglob("*.py")):
            if "templates" in path.relative_to(package_dir).parts:
                continue  # files written into MassGen trees, not modules of the guide
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            rel = path.relative_to(package_dir.parent).as_posix()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level:
                    # relative imports hide the layer they reach; the package writes absolute ones
                    found.append(UpwardImport(rel, node.lineno, layer, "." * node.level + (node.module or "")))
                    continue
                for name in imported_layers(node):
                    if name.startswith("__"):
                        continue  # the package's own attributes (`__version__`)
                    if name != layer and name not in allowed and name not in SHARED:
                        found.append(UpwardImport(rel, node.lineno, layer, name))
    return found
