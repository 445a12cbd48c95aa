"""What one process keeps from a build to the next: `properdocs serve` rebuilds the site in the same process after
every save, and MkDocs starts each rebuild with a new theme environment.

- `keep_compiled_templates(env)`: the theme's Jinja templates, compiled once per process (Jinja's bytecode cache,
  in memory, keyed by each template's name and source: an edited override is compiled again). A one-off build
  compiles each template once either way.
- `InputWatch`: the inputs outside `docs/` that pages read, the project's `snippets/` and the package's data
  files. `serve` watches them (`folders`); at each build, `changed_pages` says which pages read a file changed since
  the last build (a page that includes a changed snippet or renders the scaffolder's output from the snippets; for
  a changed data file, every page with a generated part), after forgetting what this process remembered from the
  old files. A `--dirty` rebuild re-renders only
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

from massgen_guide.checks.fences import INCLUDE_RE
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


GENERATED = ("<!-- guide:", "[[fact:")
"""What a page holds when part of it is generated from the guide's data files."""
FROM_SNIPPETS = ("<!-- guide:scaffold",)
"""Directives whose output is rendered from the worked examples in `snippets/` (the scaffolder's)."""
EDITOR_LEFTOVERS = re.compile(r"^(\..*\.sw[a-p]|.*~|\.#.*|#.*#|4913)$")
"""Files editors write beside the one being saved (vim swap and probe files, backups, Emacs locks): not inputs."""


def _included_files(text: str) -> set[str]:
    """The files a page's `--8<--` lines include (a section or line range after `:` left off)."""
    files = set()
    for line in text.splitlines():
        match = INCLUDE_RE.match(line)
        if match:
            files.add(match.group("target").partition(":")[0])
    return files


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
                if "__pycache__" in path.parts or EDITOR_LEFTOVERS.match(path.name):
                    continue
                try:
                    if path.is_file():
                        stamps[path] = path.stat().st_mtime_ns
                except OSError:  # gone between the listing and the look (an editor's temporary file)
                    continue
        return stamps

    def changed(self) -> set[Path]:
        """The watched files added, edited or removed since the last call (nothing on the first)."""
        now = self._now()
        before, self.stamps = self.stamps, now
        if before is None:
            return set()
        return {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}

    def changed_pages(self, pages: dict[str, Path]) -> list[str]:
        """Of `pages` (src_uri -> Markdown file), those reading a file changed since the last build: a page that
        includes a changed snippet or renders the scaffolder's output from the snippets, and for a changed data
        file every page with a generated part. Forgets what this process remembered from the changed files
        first."""
        changed = self.changed()
        if not changed:
            return []
        forget_inputs(changed, self.data_dir)
        data_changed = any(path.is_relative_to(self.data_dir) for path in changed)
        snippets_changed = any(not path.is_relative_to(self.data_dir) for path in changed)
        resolved = {p.resolve() for p in changed}
        hit = []
        for src, path in pages.items():
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            if ({(self.base / name).resolve() for name in _included_files(text)} & resolved
                    or (data_changed and any(m in text for m in GENERATED))
                    or (snippets_changed and any(m in text for m in FROM_SNIPPETS))):
                hit.append(src)
        return hit


def forget_inputs(changed: set[Path], data_dir: Path = DATA_DIR) -> None:
    """Clear what this process remembered from the changed files: the checklist and scaffold data (and the audit
    of every type, which reads the checklist); for a snippet, the index of the guide's own example code and the
    page reports checked with it. Modules not imported yet remember nothing."""
    loaded = sys.modules
    if any(path.is_relative_to(data_dir) for path in changed):
        if "massgen_guide.facts.checklist" in loaded:
            loaded["massgen_guide.facts.checklist"]._load.cache_clear()
        if "massgen_guide.facts.scaffold_data" in loaded:
            loaded["massgen_guide.facts.scaffold_data"].scaffold_data.cache_clear()
        if "massgen_guide.audit.auditor" in loaded:
            loaded["massgen_guide.audit.auditor"].cached_all.cache_clear()
    if any(not path.is_relative_to(data_dir) for path in changed) and "massgen_guide.checks.claims.check" in loaded:
        loaded["massgen_guide.checks.claims.check"].forget_own_code()


def mark_for_rebuild(dest_paths: list[Path]) -> None:
    """Make a `--dirty` build re-render these pages: MkDocs re-renders a page whose output is older than its
    Markdown, so the output's time is set back (a page not built yet is rendered anyway)."""
    for dest in dest_paths:
        if dest.is_file():
            os.utime(dest, ns=(0, 0))
