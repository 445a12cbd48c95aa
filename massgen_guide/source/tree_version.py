"""Which MassGen version a tree holds, and whether it is newer than the release this guide was checked against.

The release the guide was checked against has one home: the `massgen==X` pin of the package's `conformance`
extra in `pyproject.toml` (read from the installed package's metadata, or from `pyproject.toml` beside this
package when it runs from a checkout without metadata).

A tree's version is read, in this order, from `massgen/__init__.py` (`__version__ = "..."`), from the checkout's
`pyproject.toml` (`[project] version`), or from the `massgen-*.dist-info/METADATA` installed beside the package.
Guessing wrong is never fatal: the result is a warning line, never an exit code.
"""

from __future__ import annotations

import importlib.metadata
import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from massgen_guide.paths import PROJECT_ROOT

DISTRIBUTION = "massgen-backend-guide"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
_PIN = re.compile(r"^massgen\s*==\s*([^;\s,]+)")
_INIT_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_METADATA_VERSION = re.compile(r"^Version:\s*(\S+)", re.MULTILINE)
_PEP440 = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc)(\d*))?(?:[-_.]?post(\d*))?(?:[-_.]?dev(\d*))?(?:\+.*)?$",
                     re.IGNORECASE)
UNKNOWN = "unknown"


@dataclass(frozen=True)
class FoundVersion:
    """A tree's MassGen version and the file it was read from."""

    version: str
    """The version text, or `unknown`."""
    origin: str
    """Where it was read: `massgen/__init__.py`, `pyproject.toml`, a dist-info's `METADATA`, or `nowhere`."""


def pin_in_requirements(requirements: list[str]) -> str | None:
    """The X of the first `massgen==X` requirement, whatever its extra marker."""
    for requirement in requirements:
        match = _PIN.match(requirement.strip())
        if match:
            return match.group(1)
    return None


def requirements_in_pyproject(path: Path) -> list[str]:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return []
    extras = project.get("optional-dependencies", {})
    return [*project.get("dependencies", []), *(r for group in extras.values() for r in group)]


@lru_cache(maxsize=1)
def checked_release() -> str:
    """The MassGen release this guide was checked against (the pin of the `conformance` extra)."""
    try:
        pinned = pin_in_requirements(importlib.metadata.requires(DISTRIBUTION) or [])
    except importlib.metadata.PackageNotFoundError:
        pinned = None
    return pinned or pin_in_requirements(requirements_in_pyproject(PYPROJECT)) or UNKNOWN


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def version_in_init(package_dir: Path) -> str | None:
    match = _INIT_VERSION.search(_read(package_dir / "__init__.py"))
    return match.group(1) if match else None


def version_in_pyproject(checkout_root: Path) -> str | None:
    try:
        project = tomllib.loads(_read(checkout_root / "pyproject.toml")).get("project", {})
    except tomllib.TOMLDecodeError:
        return None
    if project.get("name", "").lower() != "massgen":
        return None
    version = project.get("version")
    return version if isinstance(version, str) else None


def version_in_dist_info(site_packages: Path) -> tuple[str, str] | None:
    for info in sorted(site_packages.glob("massgen-*.dist-info")):
        match = _METADATA_VERSION.search(_read(info / "METADATA"))
        if match:
            return match.group(1), f"{info.name}/METADATA"
    return None


def found_version(package_dir: Path) -> FoundVersion:
    """The version a MassGen tree declares, with the file it came from."""
    declared = version_in_init(package_dir)
    if declared:
        return FoundVersion(declared, "massgen/__init__.py")
    declared = version_in_pyproject(package_dir.parent)
    if declared:
        return FoundVersion(declared, "pyproject.toml")
    metadata = version_in_dist_info(package_dir.parent)
    if metadata:
        return FoundVersion(*metadata)
    return FoundVersion(UNKNOWN, "nowhere")


def version_key(text: str) -> tuple | None:
    """A sortable key for a PEP 440 version (release, pre-release, post, dev), or None when it is not one."""
    match = _PEP440.match(text.strip())
    if not match:
        return None
    release = tuple(int(part) for part in match.group(1).split("."))
    release += (0,) * (8 - len(release))
    phase, phase_number, post, dev = match.group(2), match.group(3), match.group(4), match.group(5)
    if phase:
        pre: tuple[int, int] = (("a", "b", "rc").index(phase.lower()), int(phase_number or 0))
    else:
        pre = (-1, 0) if dev is not None and post is None else (3, 0)
    return (release, pre, int(post or 0) if post is not None else -1, int(dev or 0) if dev is not None else math.inf)


def is_newer(found: str, checked: str) -> bool:
    """True only when both versions can be read and `found` comes after `checked`."""
    found_key, checked_key = version_key(found), version_key(checked)
    return found_key is not None and checked_key is not None and found_key > checked_key


def newer_tree_warning(found: str, checked: str | None = None) -> str | None:
    """One line when the tree is newer than the checked release (data-driven points may be out of date)."""
    checked = checked or checked_release()
    if not is_newer(found, checked):
        return None
    return (f"this tree holds MassGen {found}, newer than {checked}, the release this guide was checked against: "
            "data-driven points (listing sites, chunk types) may be out of date")
