"""The package reads as the pipeline: each layer imports only the layers below it (massgen_guide/layout.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import massgen_guide
from massgen_guide.layout import MAY_IMPORT, upward_imports

PACKAGE = Path(massgen_guide.__file__).resolve().parent
MAX_LINES = 600


def test_no_layer_imports_upward() -> None:
    assert [str(found) for found in upward_imports(PACKAGE)] == []


def copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "massgen_guide"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    return copy


def test_a_planted_upward_import_is_found(tmp_path: Path) -> None:
    copy = copy_package(tmp_path)
    module = copy / "facts" / "backends.py"
    lines = module.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if text.startswith("from __future__")) + 1
    lines.insert(at, "from massgen_guide.site import skill\n")
    module.write_text("".join(lines), encoding="utf-8")
    assert [str(found) for found in upward_imports(copy)] == [
        f"massgen_guide/facts/backends.py:{at + 1}: facts/ imports massgen_guide.site, which it may not"]


def test_a_planted_relative_import_is_found(tmp_path: Path) -> None:
    copy = copy_package(tmp_path)
    module = copy / "source" / "selection.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nfrom ..facts import loading\n", encoding="utf-8")
    found = [str(f) for f in upward_imports(copy)]
    assert len(found) == 1 and found[0].endswith(": source/ imports ..facts, which it may not"), found


def test_every_subpackage_is_a_layer_and_says_what_it_may_import() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(MAY_IMPORT)
    for name in packages:
        doc = (PACKAGE / name / "__init__.py").read_text(encoding="utf-8")
        assert "import" in doc.lower().split('"""')[1], f"{name}/__init__.py does not say what it may import"


def test_no_module_is_over_600_lines() -> None:
    long = {p.relative_to(PACKAGE).as_posix(): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
