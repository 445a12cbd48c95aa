"""Where MassGen lists its providers: every container or comparison chain that enumerates backend types.

MassGen has no single list of providers. Besides `create_backend` and `BACKEND_CAPABILITIES`, about twenty
modules keep their own: the `--setup` wizard's provider list, the TUI picker, the WebUI, model catalogues,
pricing, the multimodal tools' backend selectors, key detection by base URL... A new backend that is missing
from one of them works, but is invisible or mispriced in that corner of MassGen. This module finds them, so
that the checklist, the audit and the reference page never depend on a hand-kept list.

What counts as a *listing site*: a container literal (dict, list, tuple, set; its whole subtree, so a dict of
`BackendCapabilities(...)` calls counts as one site) or an `if`/`elif` chain (or `match`) whose string
constants include at least `TYPES_THRESHOLD` registered backend types, or `KEYS_THRESHOLD` of their API-key
environment variables, or `NAMES_THRESHOLD` of their provider names. The vocabulary comes from the tree itself:
the `create_backend` branches and the `BACKEND_CAPABILITIES` entries (their `env_var` and `provider_name`).

Everything is static: files are read as text, a cheap scan skips files that cannot hold a site, and the rest
are parsed with `ast`. A file that does not parse is reported as skipped (with its line) and the others are
still read. Results are cached on disk (`discover`), keyed by the files' sizes and modification times.

Sites are named `path::scope::what`; two unnamed constructs of one kind in one function are told apart by their
order (`list#2`), so inserting one before another renames the later one (none of 0.1.97's sites is numbered).
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from massgen_guide.facts.ast_reading import environment_read
from massgen_guide.source.cache_files import read_pickle, write_atomically
from massgen_guide.source.selection import cache_dir
from massgen_guide.source.signatures import folder_signature

TYPES_THRESHOLD = 4
"""Distinct registered backend types that make a construct a listing site."""
KEYS_THRESHOLD = 4
"""Distinct API-key environment variable names that make a construct a listing site."""
NAMES_THRESHOLD = 5
"""Distinct provider names (as in `BACKEND_CAPABILITIES`, compared case-insensitively) that make a site."""
SKIPPED_FOLDERS = ("massgen/tests/", "massgen/configs/", "massgen/skills/")
"""Test code and data are not places a contributor registers a backend (MassGen's own tests are listed by the
checklist's testing points)."""

CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set)


@dataclass(frozen=True)
class Vocabulary:
    """What a provider listing is made of, read from the tree's own registries."""

    types: frozenset[str]
    keys: dict[str, frozenset[str]]
    """API-key variable -> the backend types that read it."""
    names: dict[str, str]
    """Provider name, case-folded -> the backend type it names."""

    def words(self) -> set[str]:
        return set(self.types) | set(self.keys) | set(self.names)


@dataclass(frozen=True)
class ListingSite:
    """One construct that enumerates providers."""

    path: str
    """Repository-style path, e.g. `massgen/config_builder.py`."""
    line: int
    end_line: int
    key: str
    """A stable name: `path::scope::what`, where `what` is the assigned name or the construct and its ordinal."""
    construct: str
    """`dict`, `list`, `tuple`, `set`, `comparisons`, `key-reads`, `returns` or `text`."""
    scope: str
    """The enclosing class and function names (dotted), or `<module>`."""
    types: dict[str, int] = field(hash=False, compare=False)
    """Backend types written as strings here -> the line of the first one."""
    keys: dict[str, int] = field(hash=False, compare=False)
    """API-key variables written here -> line."""
    names: dict[str, int] = field(hash=False, compare=False)
    """Provider names written here (as written) -> line."""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def types_via_keys(self, vocabulary: Vocabulary) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, line in self.keys.items():
            for backend_type in vocabulary.keys.get(key, ()):
                out.setdefault(backend_type, line)
        return out

    def types_via_names(self, vocabulary: Vocabulary) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, line in self.names.items():
            backend_type = vocabulary.names.get(name.casefold())
            if backend_type:
                out.setdefault(backend_type, line)
        return out

    def mention_of(self, backend_type: str, vocabulary: Vocabulary) -> tuple[str, int] | None:
        """How the site names a backend type: ("type", line), ("key", line) or ("name", line); None if absent."""
        if backend_type in self.types:
            return "type", self.types[backend_type]
        via_names = self.types_via_names(vocabulary)
        if backend_type in via_names:
            return "name", via_names[backend_type]
        via_keys = self.types_via_keys(vocabulary)
        if backend_type in via_keys:
            return "key", via_keys[backend_type]
        return None


@dataclass(frozen=True)
class Discovery:
    """The listing sites of one tree, and the files that could not be read."""

    sites: list[ListingSite]
    skipped: list[str]
    """`path:line: reason` for files that could not be parsed."""
    vocabulary: Vocabulary

    def by_key(self) -> dict[str, ListingSite]:
        return {site.key: site for site in self.sites}

    def skipped_path(self, path: str) -> str | None:
        """The skip message of a file the discovery could not read (its sites are unknown), else None."""
        return next((line for line in self.skipped if line.split(":", 1)[0] == path), None)


# ---------------------------------------------------------------------------------------------- vocabulary
def vocabulary_of(types: Iterable[str], capabilities: dict[str, dict], branch_keys: dict[str, list[str]]) -> Vocabulary:
    """The words of a provider listing: registered types, their key variables and provider names.

    A key variable names the types whose `create_backend` branch reads it; the capabilities' `env_var` counts only
    for a variable that no branch reads. So `GEMINI_API_KEY` names gemini, whose branch reads it, and not
    antigravity_cli, which only declares it: a site that reads the key does it for gemini."""
    keys: dict[str, set[str]] = {}
    for backend_type, variables in branch_keys.items():
        for variable in variables:
            keys.setdefault(variable, set()).add(backend_type)
    declared: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for backend_type, entry in capabilities.items():
        env_var = entry.get("env_var")
        if isinstance(env_var, str) and env_var:
            declared.setdefault(env_var, set()).add(backend_type)
        name = entry.get("provider_name")
        if isinstance(name, str) and name:
            for variant in _name_variants(name):
                names.setdefault(variant, backend_type)
    for variable, owners in declared.items():
        keys.setdefault(variable, owners)
    return Vocabulary(frozenset(types), {k: frozenset(v) for k, v in keys.items()}, names)


def _name_variants(name: str) -> list[str]:
    """A provider name and its head before a parenthesis, case-folded: "Kimi (Moonshot AI)" is also "kimi"."""
    full = name.casefold().strip()
    head = full.split(" (", 1)[0].strip()
    return [full] + ([head] if head and head != full else [])


# ---------------------------------------------------------------------------------------------- discovery
FORMAT = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
"""This module's own code: any change to it makes the cache files of older code unreachable."""


def discover(package_dir: Path, vocabulary: Vocabulary) -> Discovery:
    """Every listing site under `package_dir` (the `massgen` folder), in path and line order.

    Cached on disk twice: the whole result keyed by the folder's signature (an unchanged tree costs one walk of
    its file stats), and each file's sites keyed by its path and content, with the vocabulary they were found
    with. A file's sites still hold under another vocabulary when none of the words the two differ in occurs in
    the file, so a copy with one backend added (new words, in a few files) rescans only those files."""
    root = Path(package_dir)
    vocab_key = _vocabulary_key(vocabulary)
    whole_key = hashlib.sha1(f"{FORMAT}\0{root.resolve()}\0{folder_signature(root)}\0{vocab_key}".encode()).hexdigest()
    folder = cache_dir() / "listing-sites"
    cached = read_pickle(folder / f"tree-{whole_key}.pickle", Discovery)
    if cached is not None:
        return cached
    per_file_path = folder / f"files-{FORMAT}.pickle"
    stored = read_pickle(per_file_path, dict) or {}
    vocabularies: dict[str, Vocabulary] = stored.get("vocabularies", {})
    per_file: dict[str, tuple[str, list[ListingSite]]] = stored.get("files", {})
    changed_words = {key: _words_between(old, vocabulary) for key, old in vocabularies.items() if key != vocab_key}
    kept: dict[str, tuple[str, list[ListingSite]]] = {}
    sites: list[ListingSite] = []
    skipped: list[str] = []
    rescanned = 0
    for path in _python_files(root):
        rel = "massgen/" + path.relative_to(root).as_posix()
        if rel.startswith(SKIPPED_FOLDERS):
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            skipped.append(f"{rel}: skipped (cannot read: {exc.strerror or exc})")
            continue
        file_key = hashlib.sha1(rel.encode() + b"\0" + data).hexdigest()
        text = data.decode("utf-8", errors="replace")
        entry = per_file.get(file_key)
        if entry is not None and entry[0] != vocab_key and _mentions_any(text, changed_words.get(entry[0])):
            entry = None  # found with a vocabulary that differs in a word this file holds
        if entry is None:
            rescanned += 1
            found, problem = _sites_of_file(rel, text, vocabulary)
            if problem:
                skipped.append(problem)
                continue
            entry = (vocab_key, found)
        kept[file_key] = entry
        sites += entry[1]
    result = Discovery(sites, skipped, vocabulary)
    if rescanned or kept.keys() != per_file.keys():
        used = {key for key, _ in kept.values()}
        write_atomically(per_file_path, _pickled({
            "vocabularies": {key: v for key, v in {**vocabularies, vocab_key: vocabulary}.items() if key in used},
            "files": kept}))
    write_atomically(folder / f"tree-{whole_key}.pickle", _pickled(result))
    return result


def _words_between(old: Vocabulary, new: Vocabulary) -> frozenset[str]:
    """The words (case-folded) whose meaning differs between two vocabularies: types in one only, and key
    variables and provider names that are missing from one or name other types."""
    words = set(old.types ^ new.types)
    words |= {k for k in old.keys.keys() | new.keys.keys() if old.keys.get(k) != new.keys.get(k)}
    words |= {n for n in old.names.keys() | new.names.keys() if old.names.get(n) != new.names.get(n)}
    return frozenset(w.casefold() for w in words)


def _mentions_any(text: str, words: frozenset[str] | None) -> bool:
    """True when the text holds one of the words anywhere (case-folded; None: the vocabulary is unknown)."""
    if words is None:
        return True
    if not words:
        return False
    folded = text.casefold()
    return any(word in folded for word in words)


def _sites_of_file(rel: str, text: str, vocabulary: Vocabulary) -> tuple[list[ListingSite], str]:
    """(sites, "") or ([], "path:line: skipped (why)") for a file that does not parse."""
    if not _may_hold_a_site(text, vocabulary):
        return [], ""
    try:
        module = ast.parse(text, filename=rel)
    except SyntaxError as exc:
        where = f"{rel}:{exc.lineno}" if exc.lineno else rel
        return [], f"{where}: skipped (syntax error: {exc.msg})"
    except ValueError as exc:
        return [], f"{rel}: skipped (cannot be parsed: {exc})"
    return _SiteFinder(rel, vocabulary).sites_in(module), ""


def _vocabulary_key(vocabulary: Vocabulary) -> str:
    words = sorted(vocabulary.types) + sorted(f"{k}={','.join(sorted(v))}" for k, v in vocabulary.keys.items())
    words += sorted(f"{k}={v}" for k, v in vocabulary.names.items())
    words += [str(TYPES_THRESHOLD), str(KEYS_THRESHOLD), str(NAMES_THRESHOLD)]
    return hashlib.sha1("\n".join(words).encode()).hexdigest()[:16]


def _pickled(value: object) -> bytes:
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _python_files(root: Path) -> Iterator[Path]:
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(here) / name


_QUOTED = re.compile(r"""["']([^"'\n\\]{1,60})["']""")
_KEY_WORD = re.compile(r"\b[A-Z][A-Z0-9_]*_KEY\b")


def _may_hold_a_site(text: str, vocabulary: Vocabulary) -> bool:
    """A necessary condition, by text alone: the file quotes enough distinct words of one kind (or names enough
    key variables, quoted or in running text)."""
    keys = {w for w in _KEY_WORD.findall(text) if w in vocabulary.keys}
    if len(keys) >= KEYS_THRESHOLD:
        return True
    found = set(_QUOTED.findall(text))
    if len({w.casefold() for w in found} & vocabulary.types) >= TYPES_THRESHOLD:
        return True
    return len({w.casefold() for w in found} & vocabulary.names.keys()) >= NAMES_THRESHOLD


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPARISON_OPS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)


class _SiteFinder:
    """One module's sites, in four kinds of construct:

    - a maximal container literal (`dict`, `list`, `tuple`, `set`), named by the assignment that holds it;
    - the comparisons of one expression against string constants within one function (`if`/`elif` chains,
      separate `if`s, `x in (...)` tests and `match` cases): `compares EXPR`;
    - the module's reads of API-key variables (`os.getenv`, `os.environ.get`, `os.environ[...]`), with the types its
      per-provider functions are named after (`call_codex`): `reads keys`;
    - the string constants one function returns (`return "OpenAI"` in each branch): `returns`;
    - a string (not a docstring) that names several API-key variables, such as help text: `text`.
    """

    def __init__(self, rel: str, vocabulary: Vocabulary) -> None:
        self.rel = rel
        self.vocabulary = vocabulary
        self.found: list[ListingSite] = []
        self.ordinals: dict[tuple[str, str], int] = {}

    def sites_in(self, module: ast.Module) -> list[ListingSite]:
        key_reads: list[ast.Constant] = []
        self._scope(module, [], key_reads)
        if key_reads:
            first = min(key_reads, key=lambda n: (n.lineno, n.col_offset))
            self._record(first, "key-reads", "<module>", "reads keys", key_reads + self._per_provider_functions(module))
        self.found.sort(key=lambda site: (site.line, site.key))
        return self.found

    def _per_provider_functions(self, module: ast.Module) -> list[ast.Constant]:
        """The types named by the module's per-provider functions (`call_codex`, `_process_with_gemini`), as
        constants at their lines: a module that reads keys provider by provider often names them only there."""
        found = []
        types = sorted(self.vocabulary.types, key=len, reverse=True)
        for node in module.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                named = next((t for t in types if node.name.endswith("_" + t)), None)
                if named:
                    found.append(ast.Constant(named, lineno=node.lineno, col_offset=node.col_offset))
        return found

    def _scope(self, scope_node: ast.AST, names: list[str], key_reads: list[ast.Constant]) -> None:
        """Walk one scope's own nodes (nested functions and classes are scopes of their own)."""
        scope = ".".join(names) or "<module>"
        comparisons: dict[str, list[ast.AST]] = {}
        consumed: set[int] = set()
        docstrings = {id(d) for d in _docstrings(scope_node)}
        containers: list[tuple[ast.expr, str]] = []
        texts: list[ast.Constant] = []
        returned: list[ast.AST] = []
        stack: list[tuple[ast.AST, str]] = [(child, "") for child in ast.iter_child_nodes(scope_node)]
        while stack:
            node, assigned = stack.pop()
            if isinstance(node, SCOPES):
                name = getattr(node, "name", "<lambda>")
                self._scope(node, names + [name], key_reads)
                continue
            if isinstance(node, ast.Compare):
                subject = _compared_subject(node)
                if subject:
                    comparisons.setdefault(subject, []).extend(
                        sub for c in node.comparators for sub in ast.walk(c))
                    consumed.update(id(c) for c in node.comparators if isinstance(c, CONTAINERS))
            elif isinstance(node, ast.Match):
                comparisons.setdefault(ast.unparse(node.subject)[:40], []).extend(
                    sub for case in node.cases for sub in ast.walk(case.pattern))
            elif isinstance(node, (ast.Call, ast.Subscript)) and environment_read(node):
                key_reads.append(node.args[0] if isinstance(node, ast.Call) else node.slice)  # the variable's Constant
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Constant):
                returned.append(node.value)
            elif isinstance(node, CONTAINERS) and id(node) not in consumed:
                containers.append((node, assigned))
                key_reads += [sub.args[0] if isinstance(sub, ast.Call) else sub.slice  # type: ignore[misc]
                              for sub in ast.walk(node) if isinstance(sub, (ast.Call, ast.Subscript))
                              and environment_read(sub)]
                continue  # its subtree is judged as a whole below
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if "_API_KEY" in node.value or "_KEY" in node.value:
                    texts.append(node)
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                name = _target_name(node)
                for child in ast.iter_child_nodes(node):
                    stack.append((child, name if child is node.value else ""))
                continue
            if isinstance(node, ast.Call) and assigned:
                stack.extend((child, assigned) for child in ast.iter_child_nodes(node))
                continue
            stack.extend((child, "") for child in ast.iter_child_nodes(node))
        for node, assigned in sorted(containers, key=lambda item: (item[0].lineno, item[0].col_offset)):
            if id(node) not in consumed:
                self._container(node, scope, assigned, names, key_reads)
        for subject, nodes in comparisons.items():
            constants = [n for n in nodes if isinstance(n, ast.Constant)]
            if constants:
                first = min(constants, key=lambda n: (n.lineno, n.col_offset))
                self._record(first, "comparisons", scope, f"compares {subject}", constants)
        if returned:
            self._record(min(returned, key=lambda n: n.lineno), "returns", scope, "returns", returned)
        for text in texts:
            words = [w for w in re.findall(r"[A-Z][A-Z0-9_]+", text.value) if w in self.vocabulary.keys]
            if len(set(words)) >= KEYS_THRESHOLD:
                self._record(text, "text", scope, "text", [ast.Constant(w, lineno=text.lineno) for w in words],
                             end_line=text.end_lineno)

    def _container(self, node: ast.expr, scope: str, assigned: str, names: list[str],
                   key_reads: list[ast.Constant]) -> None:
        # judged as a whole: a listing nested in it would make the outer literal a site as well
        construct = type(node).__name__.lower()
        self._record(node, construct, scope, assigned or construct, list(ast.walk(node)))

    def _record(self, node: ast.AST, construct: str, scope: str, what: str, nodes: Iterable[ast.AST],
                end_line: int | None = None) -> bool:
        vocabulary = self.vocabulary
        types: dict[str, int] = {}
        keys: dict[str, int] = {}
        names: dict[str, int] = {}
        for sub in nodes:
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                text = sub.value
                if text in vocabulary.types:
                    types.setdefault(text, sub.lineno)
                elif text.casefold() in vocabulary.types:  # "ChatCompletion" names the type chatcompletion
                    types.setdefault(text.casefold(), sub.lineno)
                if text in vocabulary.keys:
                    keys.setdefault(text, sub.lineno)
                if text.casefold() in vocabulary.names:
                    names.setdefault(text, sub.lineno)
        distinct_names = {n.casefold() for n in names}
        if len(types) < TYPES_THRESHOLD and len(keys) < KEYS_THRESHOLD and len(distinct_names) < NAMES_THRESHOLD:
            return False
        ordinal_key = (scope, what)
        self.ordinals[ordinal_key] = self.ordinals.get(ordinal_key, 0) + 1
        if self.ordinals[ordinal_key] > 1:
            what = f"{what}#{self.ordinals[ordinal_key]}"
        line = getattr(node, "lineno", 1)
        end = end_line or getattr(node, "end_lineno", None) or line
        self.found.append(ListingSite(self.rel, line, end, f"{self.rel}::{scope}::{what}", construct, scope,
                                      types, keys, names))
        return True


def _docstrings(scope_node: ast.AST) -> list[ast.AST]:
    body = getattr(scope_node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return [body[0].value]
    return []


def _target_name(node: ast.Assign | ast.AnnAssign) -> str:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute):
            return target.attr
    return ""


def _compared_subject(node: ast.Compare) -> str:
    """The expression compared with string constants (`backend_type`), or "" when it is not that kind."""
    if isinstance(node.left, ast.Constant) or not all(isinstance(op, COMPARISON_OPS) for op in node.ops):
        return ""
    for comparator in node.comparators:
        if isinstance(comparator, ast.Constant) and isinstance(comparator.value, str):
            return ast.unparse(node.left)[:40]
        if isinstance(comparator, CONTAINERS) and any(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in ast.walk(comparator)):
            return ast.unparse(node.left)[:40]
    return ""
