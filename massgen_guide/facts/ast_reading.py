"""Reading Python code with `ast`, where only code counts: statements at any depth, call names, string
literals that are code (not docstrings), environment-variable reads, and the types a comparison names."""

from __future__ import annotations

import ast
from typing import Any


def base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return base_name(node.value)
    return ""


def index_code_names(module: ast.Module, add: Any) -> None:
    """One pass over a module for `Tree.code_names`. An attribute chain is handled once at its outermost node
    (its attributes and dotted prefixes), then the walk goes on below the chain's root; string constants are
    never indexed, so docstrings and literals drop out by construction."""
    Name, Attribute = ast.Name, ast.Attribute
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    imports = (ast.Import, ast.ImportFrom)
    stack: list[ast.AST] = [module]
    children = ast.iter_child_nodes
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is Name:
            add(node.id, node.lineno)
            continue
        if kind is Attribute:
            attrs: list[tuple[str, int]] = []
            inner = node
            while type(inner) is Attribute:
                attrs.append((inner.attr, inner.end_lineno or inner.lineno))
                inner = inner.value
            for attr, line in attrs:
                add(attr, line)
            if type(inner) is Name:
                add(inner.id, inner.lineno)
                parts = [inner.id]
                for attr, line in reversed(attrs):
                    prefix = ".".join(parts)
                    if len(parts) > 1:
                        add(prefix, line)
                    add(prefix + ".", line)
                    parts.append(attr)
                add(".".join(parts), attrs[0][1])
            else:
                stack.append(inner)
            continue
        if kind in defs:
            add(node.name, node.lineno)
        elif kind in imports:
            for alias in node.names:
                line = getattr(alias, "lineno", node.lineno)
                add(alias.asname or alias.name, line)
                for part in alias.name.split("."):
                    add(part, line)
        stack.extend(children(node))


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(node: ast.AST) -> list[ast.stmt]:
    """Every statement under a node, nested blocks included (expressions are not visited: cheaper than
    `ast.walk` when only assignments or definitions matter)."""
    out: list[ast.stmt] = []
    stack = [node]
    while stack:
        current = stack.pop()
        for name in _BLOCK_FIELDS:
            block = getattr(current, name, None)
            if block:
                for child in block:
                    if isinstance(child, ast.stmt):
                        out.append(child)
                    stack.append(child)
    return out


def call_name(node: ast.AST) -> str:
    """The called name of a Call node (`X(...)` or `a.b.X(...)`), else ''."""
    if isinstance(node, ast.Call):
        return base_name(node.func)
    return ""


def code_strings(node: ast.AST, value: str) -> list[int]:
    """Lines where a string literal equal to `value` is used in an expression under `node` (a config key read
    with `.get("key")`, compared, or indexed). A string standing alone as a statement (a docstring or a bare
    string used as a comment) is not code and is skipped."""
    bare = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return [n.lineno for n in ast.walk(node)
            if isinstance(n, ast.Constant) and n.value == value and id(n) not in bare]


def string_constants(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def environment_read(node: ast.AST) -> str | None:
    """The variable of `os.getenv("X")`, `getenv("X")`, `os.environ.get("X")` or `os.environ["X"]`, else None."""
    if isinstance(node, ast.Call) and node.args:
        func, first = node.func, node.args[0]
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        on_environ = (isinstance(func, ast.Attribute) and name == "get"
                      and base_name(func.value) == "environ")
        if (name == "getenv" or on_environ) and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if (isinstance(node, ast.Subscript) and base_name(node.value) == "environ"
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
        return node.slice.value
    return None


def assigns_name(stmt: ast.Assign | ast.AnnAssign, name: str) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return stmt.value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets)


def assignment(name: str, node: ast.stmt) -> tuple[bool, ast.expr | None]:
    if isinstance(node, ast.Assign):
        if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True, node.value
    elif isinstance(node, ast.AnnAssign):
        if isinstance(node.target, ast.Name) and node.target.id == name:
            return True, node.value
    return False, None


def compared_types(test: ast.expr) -> list[str]:
    """String values a `backend_type == "x"` / `backend_type in ("x", "y")` test compares against."""
    if isinstance(test, ast.BoolOp):
        return [v for value in test.values for v in compared_types(value)]
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return []
    left = test.left
    if not (isinstance(left, ast.Name) and left.id == "backend_type"):
        return []
    op, right = test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
        return [right.value]
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        return [e.value for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def own_returns(function: ast.AST) -> list[ast.Return]:
    """The `return` statements of a function's own body, in line order (nested functions and classes left out)."""
    found: list[ast.Return] = []
    todo = list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda ret: ret.lineno)
