"""Small helpers to read the body of a griffe object with `ast` (griffe keeps signatures, not bodies)."""

from __future__ import annotations

import ast
import textwrap

import griffe


def object_ast(obj: griffe.Object | griffe.Alias) -> ast.AST:
    """The parsed source of a function, class or attribute, line numbers shifted to the file's."""
    source = textwrap.dedent(obj.source)
    tree = ast.parse(source)
    ast.increment_lineno(tree, (obj.lineno or 1) - 1)
    return tree


def call_name(node: ast.AST) -> str | None:
    """`Foo` for `Foo(...)` or `x.Foo(...)`."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def literal(node: ast.AST | None) -> object:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(node)
