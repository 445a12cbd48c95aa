"""Insertions into MassGen's existing files, located statically and made as whole lines.

Each edit finds its target node with Python's `ast` (exact start and end positions of every statement and element),
checks whether the new backend is already there, and inserts whole lines at the node's end, indented like its last
element. Every inserted block is parsed before it is used and every edited module is parsed again, so an edit never
leaves a file that does not parse. Untouched lines keep their bytes; only a container written on one line gets that
line rewritten. (libcst was tried and dropped: importing it took 1.3 s and parsing config_builder.py 4.7 s on the
2-core machine, against a 2 s budget for the whole command.)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from massgen_guide.errors import GuideError


@dataclass
class TextEdit:
    """The insertions into one file; `sites` says, per site, "added" or "already there"."""

    rel: str
    text: str
    inserts: list[tuple[int, str]] = field(default_factory=list)
    """(0-based line index to insert before, text) pairs."""
    replaces: list[tuple[int, str, str]] = field(default_factory=list)
    """(line index, old line, new line): a one-line container gaining an element."""
    sites: list[tuple[str, str]] = field(default_factory=list)
    _module: ast.Module | None = None

    @property
    def module(self) -> ast.Module:
        if self._module is None:
            try:
                self._module = ast.parse(self.text)
            except SyntaxError as exc:
                raise GuideError(f"{self.rel}:{exc.lineno}: syntax error, cannot edit it ({exc.msg})") from None
        return self._module

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines(keepends=True)

    def result(self) -> str:
        lines = self.lines
        for index, old, new in self.replaces:
            assert lines[index] == old
            lines[index] = new
        for index, block in sorted(self.inserts, key=lambda item: item[0], reverse=True):
            lines[index:index] = [block]
        new = "".join(lines)
        if new != self.text:
            try:
                ast.parse(new)
            except SyntaxError as exc:  # a bug here, never the user's input
                raise GuideError(f"{self.rel}: the scaffold's edit would not parse ({exc}); nothing written") from None
        return new


def checked_block(block: str, what: str, wrap: str = "{}") -> str:
    """A block parsed (dedented, inside `wrap`) before it goes into a file."""
    import textwrap

    code = wrap.replace("{}", textwrap.dedent(block))
    try:
        ast.parse(code)
    except SyntaxError as exc:
        raise GuideError(f"the scaffold's {what} does not parse: {exc}") from None
    return block


# ---------------------------------------------------------------------------------------------- locating
def find_scope(module: ast.Module, scope: str) -> ast.AST | None:
    """`<module>`, `func`, `Class.method` or `outer.inner` (nested functions) as in the listing sites' keys."""
    node: ast.AST = module
    if scope == "<module>":
        return node
    for part in scope.split("."):
        found = None
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == part \
                    and child is not node:
                found = child
                break
        if found is None:
            return None
        node = found
    return node


def find_assignment(scope: ast.AST, name: str, *, direct: bool = False) -> ast.expr | None:
    """The value assigned to `name` in `scope` (a container, or a call such as frozenset({...}) around one)."""
    nodes = getattr(scope, "body", []) if direct else ast.walk(scope)
    for node in nodes:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Call) and value.args and isinstance(value.args[0], (ast.Set, ast.List, ast.Tuple, ast.Dict)):
                value = value.args[0]
            if isinstance(value, (ast.List, ast.Set, ast.Tuple, ast.Dict)):
                return value
    return None


def literal_strings(container: ast.expr) -> set[str]:
    """The string keys/elements of a container (first items of tuple elements included)."""
    items = container.keys if isinstance(container, ast.Dict) else container.elts
    out = set()
    for item in items:
        if isinstance(item, ast.Tuple) and item.elts:
            item = item.elts[0]
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            out.add(item.value)
        elif isinstance(item, ast.Name):
            out.add(item.id)
    return out


# ---------------------------------------------------------------------------------------------- inserting
def char_column(line: str, byte_offset: int) -> int:
    """`ast`'s column offsets count UTF-8 bytes; the position in the line's text (they differ after non-ASCII)."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def add_element(edit: TextEdit, container: ast.expr, element: str, label: str) -> None:
    """Insert `element` (text, without the trailing comma) as the container's last element."""
    lines = edit.lines
    items = container.keys if isinstance(container, ast.Dict) else container.elts
    last = items[-1] if items else None
    last_end = (container.values[-1] if isinstance(container, ast.Dict) else last) if last is not None else None
    if container.lineno == container.end_lineno:  # one line: `[a, b]` -> `[a, b, new]`
        index = container.lineno - 1
        line = lines[index]
        close = char_column(line, container.end_col_offset) - 1
        body = line[:close].rstrip()
        sep = "" if body.endswith(("[", "{", "(")) else (" " if body.endswith(",") else ", ")
        new_line = body + sep + element + line[close:]
        edit.replaces.append((index, line, new_line))
        edit.sites.append((label, "added"))
        return
    if last is None:
        indent = " " * (container.col_offset + 4)
    else:
        indent = lines[last.lineno - 1][: len(lines[last.lineno - 1]) - len(lines[last.lineno - 1].lstrip())]
        end_line = lines[last_end.end_lineno - 1]
        after = end_line[char_column(end_line, last_end.end_col_offset):].lstrip()
        if not after.startswith(","):
            raise GuideError(f"{edit.rel}:{last_end.end_lineno}: the last element of {label} has no trailing comma; "
                             "add one and run again")
    block = "".join(indent + line + "\n" for line in element.splitlines())
    block = block.rstrip("\n") + ",\n"
    wrap = "x = {\n{}}\n" if isinstance(container, ast.Dict) else "x = [\n{}]\n"  # (checked_block replaces "{}")
    edit.inserts.append((container.end_lineno - 1, checked_block(block, label, wrap)))
    edit.sites.append((label, "added"))


def add_site_element(edit: TextEdit, scope: str, name: str, element: str, key: str, label: str) -> None:
    node = find_scope(edit.module, scope)
    container = find_assignment(node, name) if node is not None else None
    if container is None:
        raise GuideError(f"{edit.rel}: cannot find `{name}` in {scope} (listing site {key}); is this MassGen 0.1.97?")
    if key in literal_strings(container):
        edit.sites.append((label, "already there"))
        return
    add_element(edit, container, element, label)


def add_export(edit: TextEdit, module_name: str, cls: str, label: str) -> None:
    """`from .module import Cls` after the package's last relative import, and "Cls" in `__all__`."""
    body = edit.module.body
    imported = any(isinstance(n, ast.ImportFrom) and any(a.name == cls for a in n.names) for n in ast.walk(edit.module))
    all_list = find_assignment(edit.module, "__all__", direct=True)
    if all_list is None:
        raise GuideError(f"{edit.rel}: no `__all__` list to add {cls} to")
    listed = cls in literal_strings(all_list)
    if imported and listed:
        edit.sites.append((label, "already there"))
        return
    if not imported:
        relative = [n for n in body if isinstance(n, ast.ImportFrom) and n.level == 1]
        anchor = relative[-1] if relative else next(n for n in body if isinstance(n, (ast.Import, ast.ImportFrom)))
        edit.inserts.append((anchor.end_lineno, checked_block(f"from .{module_name} import {cls}\n", label)))
    if not listed:
        add_element(edit, all_list, f'"{cls}"', label)
        edit.sites.pop()
    edit.sites.append((label, "added"))


def add_test_import(edit: TextEdit, module_path: str, cls: str) -> None:
    """`from massgen... import Cls` after the test module's last top-level import."""
    if any(isinstance(n, ast.ImportFrom) and any(a.name == cls for a in n.names) for n in edit.module.body):
        return
    last = [n for n in edit.module.body if isinstance(n, (ast.Import, ast.ImportFrom))][-1]
    edit.inserts.append((last.end_lineno, checked_block(f"from {module_path} import {cls}\n", "import")))


def add_create_backend_branch(edit: TextEdit, name: str, branch: str, label: str) -> None:
    fn = next((n for n in edit.module.body if isinstance(n, ast.FunctionDef) and n.name == "create_backend"), None)
    if fn is None:
        raise GuideError(f"{edit.rel}: no function create_backend (renamed or moved?); cannot add the branch for {name}")
    chains = [n for n in fn.body if isinstance(n, ast.If)]
    compared = {c.value for n in ast.walk(fn) if isinstance(n, ast.Compare)
                for c in [n.left, *n.comparators] if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    if name in compared:
        edit.sites.append((label, "already there"))
        return

    def length(node: ast.If) -> int:
        count = 1
        while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            node, count = node.orelse[0], count + 1
        return count

    if not chains:
        raise GuideError(f"{edit.rel}: create_backend has no if/elif chain over backend_type")
    chain = max(chains, key=length)
    node = chain
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        node = node.orelse[0]
    lines = edit.lines
    if node.orelse:  # insert before `else:`
        index = node.orelse[0].lineno - 2
        while index > node.body[-1].end_lineno - 1 and lines[index].strip() != "else:":
            index -= 1
        if lines[index].strip() != "else:":
            raise GuideError(f"{edit.rel}:{node.orelse[0].lineno}: cannot find the `else:` of create_backend's chain")
    else:
        index = node.end_lineno
    edit.inserts.append((index, checked_block(branch, label, "if x:\n    pass\n{}")))
    edit.sites.append((label, "added"))


def add_dict_entry(edit: TextEdit, scope: str, name: str, key: str, entry: str, label: str) -> None:
    """A multi-line `key: value,` entry (text already indented) before the dict's closing line."""
    node = find_scope(edit.module, scope)
    container = find_assignment(node, name) if node is not None else None
    if not isinstance(container, ast.Dict):
        raise GuideError(f"{edit.rel}: cannot find the dict `{name}`; is this MassGen 0.1.97?")
    if key in literal_strings(container):
        edit.sites.append((label, "already there"))
        return
    edit.inserts.append((container.end_lineno - 1, checked_block(entry, label, "x = {\n{}}\n")))
    edit.sites.append((label, "added"))


def dict_indent(edit: TextEdit, scope: str, name: str) -> str:
    node = find_scope(edit.module, scope)
    container = find_assignment(node, name) if node is not None else None
    if not isinstance(container, ast.Dict) or not container.keys:
        return "    "
    return " " * container.keys[-1].col_offset
