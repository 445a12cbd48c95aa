"""Copies of the pinned MassGen for the audit's tests that edit a real tree (the hook entry, version awareness)."""

from __future__ import annotations

import shutil
from pathlib import Path

from massgen_guide.source.selection import installed_package_dir

COPIED_SUFFIXES = (".py", ".yaml", ".yml")


def copy_pinned_massgen(root: Path) -> Path:
    """The installed MassGen's Python and YAML files under `root/massgen` (a checkout without docs/ or .git)."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n == "__pycache__" or
                (not n.endswith(COPIED_SUFFIXES) and not (Path(folder) / n).is_dir())}

    shutil.copytree(installed_package_dir(), root / "massgen", ignore=ignore)
    return root


def remove_create_backend_branch(root: Path, backend_type: str) -> None:
    """Delete the `elif backend_type == "<type>":` branch of create_backend, up to the next branch."""
    path = root / "massgen/cli/backends.py"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'    elif backend_type == "{backend_type}":')
    end = text.index("    elif backend_type", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def set_version(root: Path, version: str) -> None:
    path = root / "massgen/__init__.py"
    text = path.read_text(encoding="utf-8")
    assert '__version__ = "0.1.97"' in text
    path.write_text(text.replace('__version__ = "0.1.97"', f'__version__ = "{version}"'), encoding="utf-8")
