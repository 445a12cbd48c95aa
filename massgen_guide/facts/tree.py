"""Static reading of a MassGen tree for the audit: every file read and parsed at most once per run.

Nothing here imports MassGen or writes anything: files are read as text and parsed with `ast`.
"""

from __future__ import annotations

import ast
import errno
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator

from massgen_guide.errors import GuideError
from massgen_guide.facts.ast_reading import (
    assignment,
    assigns_name,
    base_name,
    call_name,
    compared_types,
    environment_read,
    index_code_names,
    string_constants,
)
from massgen_guide.source.selection import MassGenSource

@lru_cache(maxsize=256)
def _parsed(text: str, rel: str) -> ast.Module | str:
    """The parsed module, or the warning saying why it cannot be parsed; shared by every tree read in this process
    (keyed on the text: tests and `serve` read the same MassGen files in many trees). The audit only reads the
    trees it is given, it never changes one."""
    try:
        return ast.parse(text, filename=rel)
    except SyntaxError as exc:
        return f"{rel}:{exc.lineno or 0}: syntax error ({exc.msg}); points that read it cannot be checked"
    except ValueError as exc:  # e.g. null bytes
        return f"{rel}: cannot be parsed ({exc}); points that read it cannot be checked"


FRAMEWORK_MODULES = frozenset({
    "massgen/backend/base.py",
    "massgen/backend/_streaming_buffer_mixin.py",
    "massgen/backend/native_tool_mixin.py",
})
# Modules holding base classes, never a backend type of their own.
BASE_MODULES = FRAMEWORK_MODULES | {"massgen/backend/base_with_custom_tool_and_mcp.py", "massgen/backend/cli_base.py"}
_CLASS_LINE = re.compile(r"^class (?:\w*(?:Backend|Mixin|Handler|Formatter|Adapter|Base)\b|\w+\([^)]*(?:Backend|Mixin|Handler|Formatter|Adapter|Base)\b)", re.MULTILINE)
CREATE_BACKEND_FILES = ("massgen/cli/backends.py", "massgen/cli.py", "massgen/cli/__init__.py")


@dataclass(frozen=True)
class Evidence:
    """Where a finding comes from: a repository-style path and a 1-based line (None for a whole file)."""

    path: str
    line: int | None = None
    note: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location} ({self.note})" if self.note else self.location

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "note": self.note}


@dataclass(eq=False)
class ClassInfo:
    name: str
    path: str
    node: ast.ClassDef
    bases: list[str]

    @property
    def line(self) -> int:
        return self.node.lineno

    @cached_property
    def _methods(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        return {n.name: n for n in self.node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def methods(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        return self._methods

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the class body (walked once)."""
        return list(ast.walk(self.node))


class Tree:
    """One MassGen tree, read lazily and cached for the run."""

    def __init__(self, source: MassGenSource) -> None:
        self.source = source
        self.package_dir = source.package_dir
        self.repo_root = source.repo_root
        self.warnings: list[str] = []
        self.broken: set[str] = set()
        self._text: dict[str, str | None] = {}
        self._ast: dict[str, ast.Module | None] = {}
        self._lines: dict[str, list[str]] = {}
        self._code_names: dict[str, dict[str, int]] = {}
        self.memo: dict[tuple, object] = {}

    # ------------------------------------------------------------------ files
    @property
    def version(self) -> str:
        return self.source.version

    def path(self, rel: str) -> Path:
        return self.source.path_of(rel)

    def repo_available(self) -> bool:
        return self.repo_root is not None

    def has_repo_folder(self, folder: str) -> bool:
        """Whether the checkout folder `docs` or `scripts` exists here (never in an installed package)."""
        return self.repo_root is not None and (self.repo_root / folder).is_dir()

    def text(self, rel: str) -> str | None:
        """The file's text, None when it does not exist; a GuideError when it cannot be read."""
        if rel in self._text:
            return self._text[rel]
        path = self.path(rel)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            if path.is_symlink():
                raise GuideError(f"{rel}: dangling symlink") from None
            text = None
        except IsADirectoryError:
            raise GuideError(f"{rel}: cannot read the file (it is a folder)") from None
        except PermissionError:
            raise GuideError(f"{rel}: cannot read the file (permission denied)") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise GuideError(f"{rel}: symlink loop") from None
            raise GuideError(f"{rel}: cannot read the file ({exc.strerror or exc})") from None
        self._text[rel] = text
        return text

    def module(self, rel: str) -> ast.Module | None:
        """The parsed module, None when missing or not valid Python (a warning is recorded once)."""
        if rel in self._ast:
            return self._ast[rel]
        text = self.text(rel)
        tree = None
        if text is not None:
            parsed = _parsed(text, rel)
            if isinstance(parsed, ast.Module):
                tree = parsed
            else:
                self.broken.add(rel)
                self.warnings.append(parsed)
        self._ast[rel] = tree
        return tree

    def lines(self, rel: str) -> list[str]:
        cached = self._lines.get(rel)
        if cached is None:
            cached = self._lines[rel] = (self.text(rel) or "").splitlines()
        return cached

    def code_names(self, rel: str) -> dict[str, int]:
        """Every name a Python module uses *as code*, with the first line it occurs on (cached per module).

        Counted: a name read or assigned (`x`), an attribute accessed, called or assigned (`self.x`, `a.b.x()`),
        a function or class defined (`def x`), and a name imported (`from m import x`, `import a.b`). Attribute
        chains rooted in a name are also indexed dotted (`self.token_usage`, and `self.token_usage.` when an
        attribute of it is used). Comments, docstrings and string literals are never code, so they never count.
        An empty dict for a missing or unparsable module.
        """
        cached = self._code_names.get(rel)
        if cached is not None:
            return cached
        module = self.module(rel)
        found: dict[str, int] = {}

        def add(name: str, line: int) -> None:
            if name and (name not in found or line < found[name]):
                found[name] = line

        if module is not None:
            index_code_names(module, add)
        self._code_names[rel] = found
        return found

    def code_line(self, rel: str, name: str) -> int | None:
        """The first line where a module uses `name` as code (see `code_names`), else None. A module whose text
        never holds the name is not indexed at all."""
        word = name.rstrip(".").rsplit(".", 1)[-1]
        if rel not in self._code_names and word not in (self.text(rel) or ""):
            return None
        return self.code_names(rel).get(name)

    def line_of(self, rel: str, needle: str | re.Pattern[str], start: int = 1, end: int | None = None) -> int | None:
        """The first line whose *text* holds the needle: for text files (docs, generated tables). For Python
        evidence use `code_line`, which ignores comments, docstrings and string literals."""
        text = self.text(rel)
        if text is None:
            return None
        if isinstance(needle, str) and needle not in text:
            return None
        if isinstance(needle, re.Pattern) and not needle.search(text):
            return None
        for number, line in enumerate(self.lines(rel)[start - 1:end], start=start):
            if (needle.search(line) if isinstance(needle, re.Pattern) else needle in line):
                return number
        return None

    def list_dir(self, rel: str, suffix: str = ".py") -> list[str]:
        """Files directly in a folder (sorted repository-style paths); symlinked entries are included as files."""
        folder = self.path(rel)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            return []
        except PermissionError:
            raise GuideError(f"{rel}: cannot list the folder (permission denied)") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise GuideError(f"{rel}: symlink loop") from None
            raise GuideError(f"{rel}: cannot list the folder ({exc.strerror or exc})") from None
        return [f"{rel}/{e.name}" for e in entries if e.name.endswith(suffix) and not e.is_dir(follow_symlinks=False)]

    def walk(self, rel: str, suffixes: tuple[str, ...]) -> Iterator[str]:
        """Files under a folder, recursively, without following symlinked folders (so no loops)."""
        top = self.path(rel)
        if not top.is_dir():
            return
        def onerror(exc: OSError) -> None:
            if isinstance(exc, PermissionError):
                raise GuideError(f"{rel}: cannot list {exc.filename} (permission denied)")
        for dirpath, dirnames, filenames in os.walk(top, onerror=onerror, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            base = Path(dirpath).relative_to(top).as_posix()
            prefix = rel if base == "." else f"{rel}/{base}"
            for name in sorted(filenames):
                if name.endswith(suffixes):
                    yield f"{prefix}/{name}"

    # ------------------------------------------------------------------ classes
    def _index_folder(self, rel: str) -> dict[str, ClassInfo]:
        """Classes defined at the top of the folder's modules. Only modules that define a class are parsed
        (a quick text scan decides), so helper modules cost nothing."""
        index: dict[str, ClassInfo] = {}
        for path in self.list_dir(rel):
            text = self.text(path)
            if text is None or not _CLASS_LINE.search(text):
                continue
            module = self.module(path)
            if module is None:
                continue
            for node in module.body:
                if isinstance(node, ast.ClassDef) and node.name not in index:
                    index[node.name] = ClassInfo(node.name, path, node, [base_name(b) for b in node.bases])
        return index

    @cached_property
    def backend_classes(self) -> dict[str, ClassInfo]:
        return self._index_folder("massgen/backend")

    @cached_property
    def handler_classes(self) -> dict[str, ClassInfo]:
        index = self._index_folder("massgen/api_params_handler")
        for name, info in self.backend_classes.items():
            index.setdefault(name, info)
        return index

    @cached_property
    def formatter_classes(self) -> dict[str, ClassInfo]:
        return self._index_folder("massgen/formatter")

    @cached_property
    def hook_adapter_classes(self) -> dict[str, ClassInfo]:
        return self._index_folder("massgen/mcp_tools/native_hook_adapters")

    def mro(self, name: str, index: dict[str, ClassInfo] | None = None) -> list[ClassInfo]:
        """The class and its bases found in the index, depth-first, without repeats."""
        index = self.backend_classes if index is None else index
        out: list[ClassInfo] = []
        seen: set[str] = set()

        def visit(cls_name: str) -> None:
            if cls_name in seen or cls_name not in index:
                return
            seen.add(cls_name)
            info = index[cls_name]
            out.append(info)
            for base in info.bases:
                visit(base)

        visit(name)
        return out

    def mro_names(self, name: str) -> list[str]:
        """Every class name in the hierarchy, including bases defined outside massgen/backend."""
        names: list[str] = []
        for info in self.mro(name):
            for candidate in [info.name, *info.bases]:
                if candidate not in names:
                    names.append(candidate)
        return names

    def is_backend_class(self, name: str) -> bool:
        return "LLMBackend" in self.mro_names(name) and name != "LLMBackend"

    # ------------------------------------------------------------------ create_backend
    @cached_property
    def create_backend(self) -> tuple[str | None, ast.FunctionDef | None]:
        """(file, function) of create_backend, trying the 0.1.97 location first."""
        for rel in CREATE_BACKEND_FILES:
            module = self.module(rel)
            if module is None:
                continue
            for node in module.body:
                if isinstance(node, ast.FunctionDef) and node.name == "create_backend":
                    return rel, node
        return None, None

    @cached_property
    def create_backend_branches(self) -> dict[str, tuple[int, ast.If]]:
        """Backend type -> (line, the `if` node) for every `backend_type == "x"` / `in (...)` branch."""
        rel, func = self.create_backend
        branches: dict[str, tuple[int, ast.If]] = {}
        if func is None:
            return branches
        for node in ast.walk(func):
            if isinstance(node, ast.If):
                for value in compared_types(node.test):
                    branches.setdefault(value, (node.lineno, node))
        return branches

    @cached_property
    def adapter_branch(self) -> int | None:
        """The line of `if backend_type in adapter_registry:` in create_backend, if any."""
        rel, func = self.create_backend
        if func is None:
            return None
        for node in ast.walk(func):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
                if any(isinstance(c, ast.Name) and c.id == "adapter_registry" for c in node.test.comparators):
                    return node.lineno
        return None

    @cached_property
    def adapter_types(self) -> dict[str, int]:
        """Types registered in massgen/adapters/__init__.py as `adapter_registry["x"] = ...` (type -> line)."""
        module = self.module("massgen/adapters/__init__.py")
        found: dict[str, int] = {}
        if module is None:
            return found
        for node in ast.walk(module):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                            and target.value.id == "adapter_registry" and isinstance(target.slice, ast.Constant)
                            and isinstance(target.slice.value, str)):
                        found.setdefault(target.slice.value, node.lineno)
        return found

    def branch_class(self, branch: ast.If) -> tuple[str, int] | None:
        """The class a create_backend branch builds (`return X(...)`), with the line."""
        for stmt in branch.body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                    name = call_name(node.value)
                    if name:
                        return name, node.lineno
        return None

    def branch_env_keys(self, branch: ast.If) -> tuple[list[str], int | None]:
        """The environment variables a create_backend branch reads its API key from, with the line.

        A branch reads a key when a statement of its own body (not one nested under a further `if`, such as the
        base-URL detection of the generic `chatcompletion` branch) assigns `api_key` from the environment, in any
        of the forms the guide shows or MassGen uses: `kwargs.get("api_key") or os.getenv("X")`,
        `kwargs.pop("api_key", None) or ...`, `os.getenv("X")`, `os.environ.get("X")` or `os.environ["X"]`."""
        for stmt in branch.body:
            if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and assigns_name(stmt, "api_key")):
                continue
            keys = [key for node in ast.walk(stmt.value) if (key := environment_read(node))]  # type: ignore[arg-type]
            if keys:
                return keys, stmt.lineno
        return [], None

    # ------------------------------------------------------------------ capabilities
    @cached_property
    def capabilities(self) -> dict[str, dict[str, Any]]:
        """BACKEND_CAPABILITIES as literal data: type -> {field: value, '_line': n, '_fields': {field: line}}."""
        module = self.module("massgen/backend/capabilities.py")
        result: dict[str, dict[str, Any]] = {}
        if module is None:
            return result
        for node in module.body:
            target, value = assignment("BACKEND_CAPABILITIES", node)
            if target and isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values):
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        continue
                    entry: dict[str, Any] = {"_line": key.lineno, "_fields": {}}
                    if isinstance(item, ast.Call):
                        entry["_call"] = call_name(item)
                        for keyword in item.keywords:
                            if keyword.arg is None:
                                continue
                            entry["_fields"][keyword.arg] = keyword.value.lineno
                            try:
                                entry[keyword.arg] = ast.literal_eval(keyword.value)
                            except (ValueError, SyntaxError, TypeError):
                                entry[keyword.arg] = None
                    result[key.value] = entry
        return result

    @cached_property
    def agent_framework_backends(self) -> dict[str, int]:
        module = self.module("massgen/backend/capabilities.py")
        found: dict[str, int] = {}
        if module is None:
            return found
        for node in module.body:
            target, value = assignment("AGENT_FRAMEWORK_BACKENDS", node)
            if target and value is not None:
                for text in string_constants(value):
                    found.setdefault(text, node.lineno)
        return found

    # ------------------------------------------------------------------ indexes over many files
    @cached_property
    def config_types(self) -> dict[str, list[tuple[str, int]]]:
        """`type: x` lines in massgen/configs/**.yaml: type -> [(path, line)]."""
        pattern = re.compile(r"""^[ \t]*(?:-[ \t]*)?type:[ \t]*["']?([A-Za-z0-9_]+)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
        index: dict[str, list[tuple[str, int]]] = {}
        for rel in self.walk("massgen/configs", (".yaml", ".yml")):
            text = self.text(rel) or ""
            for match in pattern.finditer(text):
                index.setdefault(match.group(1), []).append((rel, text.count("\n", 0, match.start()) + 1))
        return index

    @cached_property
    def test_files(self) -> list[str]:
        return [rel for rel in self.walk("massgen/tests", (".py",)) if rel.rsplit("/", 1)[-1].startswith("test_")]

    def quoted_in_tests(self, wanted: frozenset[str]) -> dict[str, tuple[str, int]]:
        """For each wanted word, the first test file line that quotes it ("x" or 'x')."""
        key = ("quoted_in_tests", wanted)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        found: dict[str, tuple[str, int]] = {}
        if wanted:
            pattern = re.compile(r"""["'](%s)["']""" % "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True)))
            for rel in self.test_files:
                text = self.text(rel) or ""
                for match in pattern.finditer(text):
                    word = match.group(1)
                    if word not in found:
                        found[word] = (rel, text.count("\n", 0, match.start()) + 1)
                if len(found) == len(wanted):
                    break
        self.memo[key] = found
        return found

    @cached_property
    def litellm_models(self) -> tuple[set[str], str] | None:
        """LiteLLM's price map (model names) and where it was read, from the tree's own environment or the
        guide's copy (`massgen_guide.facts.price_map`); None when neither can be read."""
        from massgen_guide.facts.price_map import price_map_for

        found = price_map_for(self.source)
        return (set(found.models), found.label) if found else None

