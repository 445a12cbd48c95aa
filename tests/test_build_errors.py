"""Bad input fails the strict build with a message that names the file and what is wrong.

Each test builds a throwaway copy of the site (its mkdocs.yml, hooks/, snippets/, docs/assets/ and stub pages)
in a temp dir with one thing broken; the repo itself is never touched. A malformed decision-tree file is selected with the
`GUIDE_DECISION_TREES` environment variable. These are full builds, so there are only three of them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def site_copy(tmp_path: Path, real_pages: tuple[str, ...] = ()) -> Path:
    """The site's own mkdocs.yml, hooks/, overrides/, snippets/ and docs/assets/, with every page replaced by a stub.

    Stub pages keep the build fast and make it fail only for the breakage a test adds, not for whatever another
    page holds today; `real_pages` (paths under docs/) are copied as they are.
    """
    copy = tmp_path / "site-src"
    copy.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    for name in ("snippets", "hooks", "overrides", "docs/assets"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for page in (ROOT / "docs").rglob("*.md"):
        rel = page.relative_to(ROOT / "docs")
        target = copy / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() in real_pages:
            shutil.copy2(page, target)
        else:
            target.write_text(f"# {rel.stem}\n", encoding="utf-8")
    return copy


def build(copy: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`properdocs build --strict` of the copy, from inside it (the same command tests/conftest.py uses)."""
    cmd = [sys.executable, "-m", "properdocs", "build", "--strict", "--site-dir", str(copy / "out"),
           "--config-file", str(copy / "mkdocs.yml")]
    result = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env={**os.environ, **(env or {})})
    return result.returncode, result.stdout + result.stderr


def append(path: Path, text: str) -> int:
    """Append lines to a page; returns the 1-based number of the first appended line."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + "\n" + text, encoding="utf-8")
    return before.count("\n") + 2


def test_missing_snippet_fails_naming_page_line_and_file(tmp_path: Path) -> None:
    copy = site_copy(tmp_path)
    line = append(copy / "docs" / "index.md",
                  '```{ .python title="snippets/not_there.py" }\n--8<-- "snippets/not_there.py"\n```\n')
    code, output = build(copy)
    assert code != 0
    assert f"docs/index.md:{line + 1}: snippet include 'snippets/not_there.py' does not exist" in output, output
    assert "Traceback" not in output


def test_links_to_a_missing_page_and_a_missing_anchor_fail(tmp_path: Path) -> None:
    copy = site_copy(tmp_path)
    append(copy / "docs" / "checklist.md",
           "See [nowhere](no-such-page.md) and [the trees](decision-trees.md#no-such-anchor).\n")
    code, output = build(copy)
    assert code != 0
    assert ("Doc file 'checklist.md' contains a link 'no-such-page.md', but the target is not found among "
            "documentation files") in output, output
    assert ("Doc file 'checklist.md' contains a link 'decision-trees.md#no-such-anchor', but the doc "
            "'decision-trees.md' does not contain an anchor '#no-such-anchor'") in output, output
    assert "Aborted with 2 warnings in strict mode!" in output, output


def test_malformed_decision_tree_file_fails_naming_file_tree_and_node(tmp_path: Path) -> None:
    copy = site_copy(tmp_path, real_pages=("decision-trees.md",))
    data = yaml.safe_load((ROOT / "massgen_guide" / "data" / "decision_trees.yaml").read_text(encoding="utf-8"))
    base = data["trees"][0]
    assert base["id"] == "base-class"
    start = next(node for node in base["nodes"] if node["id"] == base["start"])
    start["answers"][0]["next"] = "no-such-node"
    bad = tmp_path / "bad-trees.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, output = build(copy, env={"GUIDE_DECISION_TREES": str(bad)})
    assert code != 0
    label = start["answers"][0]["label"]
    expected = (f"guide:decision-tree: {bad}: tree 'base-class', node '{start['id']}': answer 1 ({label!r}) "
                "leads to unknown node 'no-such-node'")
    assert re.search(r"docs/decision-trees\.md:\d+: " + re.escape(expected), output), output
    assert "Traceback" not in output
