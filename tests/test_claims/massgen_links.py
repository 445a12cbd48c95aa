"""A cheap runnable copy of the installed MassGen: every file a symlink to the original, except the files a test
mutates (written for real). Compiled bytecode is linked too (still valid: a symlink has its target's mtime and
size), except for the mutated modules; the copy is run with PYTHONDONTWRITEBYTECODE so nothing is written back."""

from __future__ import annotations

import os
from pathlib import Path

from massgen_guide.source.selection import installed_package_dir


def linked_massgen(root: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """`root/massgen`, linked to the installed package, with `edits` (path inside massgen/ -> [(old, new)],
    each `old` must occur) applied to real copies of those files. Returns `root` (for PYTHONPATH)."""
    original = installed_package_dir()
    mutated_stems = {(str(Path(rel).parent), Path(rel).stem) for rel in edits}
    for dirpath, dirnames, filenames in os.walk(original):
        rel_dir = Path(dirpath).relative_to(original)
        target_dir = root / "massgen" / rel_dir
        target_dir.mkdir(parents=True, exist_ok=True)
        if rel_dir.name == "__pycache__":
            parent = str(rel_dir.parent)
            for name in filenames:
                if (parent, name.split(".", 1)[0]) not in mutated_stems:
                    (target_dir / name).symlink_to(Path(dirpath) / name)
            continue
        for name in filenames:
            rel = (rel_dir / name).as_posix()
            if rel in edits:
                text = (Path(dirpath) / name).read_text(encoding="utf-8")
                for old, new in edits[rel]:
                    assert old in text, f"{old!r} not in massgen/{rel}"
                    text = text.replace(old, new)
                (target_dir / name).write_text(text, encoding="utf-8")
            else:
                (target_dir / name).symlink_to(Path(dirpath) / name)
    missing = set(edits) - {p.relative_to(root / "massgen").as_posix() for p in (root / "massgen").rglob("*.py")}
    assert not missing, missing
    return root
