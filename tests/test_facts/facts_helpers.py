"""Helpers of the facts tests: copies of MassGen's source to mutate, and an isolated build of the reference pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from massgen_guide.facts.loading import LoadedMassGen, load_massgen
from massgen_guide.source.selection import MassGenSource, installed_package_dir, resolve_source

ROOT = Path(__file__).resolve().parents[2]
OWN_PAGES = ("reference/api.md", "reference/stream-chunks.md", "reference/enums-and-registries.md",
             "reference/reference-backends.md")


def copy_massgen(dest_root: Path, *, python_only: bool = True) -> Path:
    """Copy the installed `massgen` package to `dest_root/massgen` (a checkout-like tree); return `dest_root`."""
    src = installed_package_dir()

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if python_only:
            skipped |= {n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()}
        return skipped

    shutil.copytree(src, dest_root / "massgen", ignore=ignore)
    return dest_root


def edit(root: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in `root/relative` (`count` times; 0 for all), failing if `old` is absent."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new) if count == 0 else text.replace(old, new, count), encoding="utf-8")


def load_copy(root: Path) -> LoadedMassGen:
    return load_massgen(resolve_source(str(root)))


def isolated_site(tmp: Path, *, extra_pages: dict[str, str] | None = None,
                  own_pages: tuple[str, ...] = OWN_PAGES) -> Path:
    """A copy of the site where every page outside this area is a one-line stub (so a failure elsewhere in the
    guide cannot mask or cause ours); returns the config file. Same plugins, hooks and options as mkdocs.yml."""
    docs = tmp / "docs"
    for page in sorted((ROOT / "docs").rglob("*")):
        rel = page.relative_to(ROOT / "docs").as_posix()
        target = docs / rel
        if page.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif page.suffix == ".md" and rel not in own_pages:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {page.stem}\n\nStub.\n", encoding="utf-8")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
    for rel, text in (extra_pages or {}).items():
        (docs / rel).write_text(text, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("\nhooks:\n", f"\ndocs_dir: {docs}\nhooks:\n", 1)
    config = config.replace("  - hooks/guide.py", f"  - {ROOT / 'hooks' / 'guide.py'}", 1)
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}", 1)
    config = re.sub(r'base_path: \["\."\]', f'base_path: ["{ROOT}"]', config)
    config = re.sub(r"(?m)^(watch:\n(?:  - .*\n)+)",
                    lambda m: re.sub(r"(?m)^  - (?!/)", f"  - {ROOT}/", m.group(1)), config)
    path = tmp / "mkdocs.yml"
    path.write_text(config, encoding="utf-8")
    return path
