"""What one process keeps from a build to the next: `properdocs serve` rebuilds the site in the same process after
every save, and MkDocs starts each rebuild with a new theme environment.

- `keep_compiled_templates(env)`: the theme's Jinja templates, compiled once per process (Jinja's bytecode cache,
  in memory, keyed by each template's name and source: an edited override is compiled again). A one-off build
  compiles each template once either way.
- `InputWatch`: the inputs outside `docs/` that pages read, the project's `snippets/` and the package's data
  files. `serve` watches them (`folders`); at each build, `changed_pages` says which pages read a file changed since
  the last build (a page that includes a changed snippet; for a changed data file, every page with a generated
  part), after forgetting what this process remembered from the old files. A `--dirty` rebuild re-renders only
  modified pages, so `mark_for_rebuild` makes those pages count as modified. The guide's Python code is not
  watched: a running process keeps the code it imported (restart `serve` after editing it).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from massgen_guide.paths import DATA_DIR


class _CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


COMPILED_TEMPLATES = _CompiledTemplates()


def keep_compiled_templates(env: Any) -> Any:
    """The theme environment, with this process's compiled templates (unless it has a bytecode cache of its own)."""
    if getattr(env, "bytecode_cache", None) is None:
        env.bytecode_cache = COMPILED_TEMPLATES
    return env


INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']([^"':]+)(?::[^"']*)?["']\s*$""", re.MULTILINE)
"""A `--8<--` include line (pymdownx.snippets), its file."""
GENERATED = ("<!-- guide:", "[[fact:")
"""What a page holds when part of it is generated from the guide's data files."""


@dataclass
class InputWatch:
    """The files outside `docs/` that a serve rebuild must read afresh, and what they were at the last build."""

    base: Path
    """The folder includes are relative to (the config file's)."""
    folders: list[Path] = field(default_factory=list)
    data_dir: Path = DATA_DIR
    stamps: dict[Path, int] | None = None

    @classmethod
    def for_config(cls, config_file: Path, data_dir: Path = DATA_DIR) -> InputWatch:
        base = config_file.parent
        folders = [folder for folder in (base / "snippets", data_dir) if folder.is_dir()]
        return cls(base, list(dict.fromkeys(folders)), data_dir)

    def _now(self) -> dict[Path, int]:
        stamps = {}
        for folder in self.folders:
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    stamps[path] = path.stat().st_mtime_ns
        return stamps

    def changed(self) -> set[Path]:
        """The watched files added, edited or removed since the last call (nothing on the first)."""
        now = self._now()
        before, self.stamps = self.stamps, now
        if before is None:
            return set()
        return {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}

    def changed_pages(self, pages: dict[str, Path]) -> list[str]:
        """Of `pages` (src_uri -> Markdown file), those reading a file changed since the last build; forgets what
        this process remembered from the changed files first."""
        changed = self.changed()
        if not changed:
            return []
        forget_inputs(changed, self.data_dir)
        data_changed = any(path.is_relative_to(self.data_dir) for path in changed)
        hit = []
        for src, path in pages.items():
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            included = {(self.base / name).resolve() for name in INCLUDE.findall(text)}
            if included & {p.resolve() for p in changed} or (data_changed and any(m in text for m in GENERATED)):
                hit.append(src)
        return hit


def forget_inputs(changed: set[Path], data_dir: Path = DATA_DIR) -> None:
    """Clear what this process remembered from the changed files: the checklist and scaffold data (and the audit
    of every type, which reads the checklist), and the index of the guide's own example code (snippets). Modules
    not imported yet remember nothing."""
    loaded = sys.modules
    if any(path.is_relative_to(data_dir) for path in changed):
        if "massgen_guide.facts.checklist" in loaded:
            loaded["massgen_guide.facts.checklist"]._load.cache_clear()
        if "massgen_guide.facts.scaffold_data" in loaded:
            loaded["massgen_guide.facts.scaffold_data"].scaffold_data.cache_clear()
        if "massgen_guide.audit.auditor" in loaded:
            loaded["massgen_guide.audit.auditor"].cached_all.cache_clear()
    if any(not path.is_relative_to(data_dir) for path in changed) and "massgen_guide.checks.claims.check" in loaded:
        loaded["massgen_guide.checks.claims.check"].own_indexes.cache_clear()


def mark_for_rebuild(dest_paths: list[Path]) -> None:
    """Make a `--dirty` build re-render these pages: MkDocs re-renders a page whose output is older than its
    Markdown, so the output's time is set back (a page not built yet is rendered anyway)."""
    for dest in dest_paths:
        if dest.is_file():
            os.utime(dest, ns=(0, 0))
