"""Where the guide's own files are: the package, its data folder, and (in a checkout) the project's root and docs.

One module says it, so that moving a module between subpackages never changes what it reads.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""The `massgen_guide` package folder."""
DATA_DIR = PACKAGE_DIR / "data"
"""The guide's data files (checklist, listing sites, decision trees, ...); shipped in the wheel."""
PROJECT_ROOT = PACKAGE_DIR.parent
"""The checkout's root (beside `docs/`, `snippets/`, `pyproject.toml`); in an installed wheel, site-packages."""
DOCS_DIR = PROJECT_ROOT / "docs"
"""The site's Markdown sources (present in a checkout only)."""
