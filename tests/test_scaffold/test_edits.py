"""Insertions into MassGen's files (massgen_guide/scaffold/edits.py), on small texts: the element lands inside the
container, also on a line holding non-ASCII text (`ast` counts columns in UTF-8 bytes)."""

from __future__ import annotations

import pytest

from massgen_guide.errors import GuideError
from massgen_guide.scaffold import edits


def extended(text: str, name: str = "NAMES") -> str:
    edit = edits.TextEdit("massgen/x.py", text)
    edits.add_site_element(edit, "<module>", name, '"acme"', "acme", f"{name} gets acme")
    return edit.result()


@pytest.mark.parametrize("before, after", [
    ('NAMES = {"a", "b"}\n', 'NAMES = {"a", "b", "acme"}\n'),
    ('NAMES = {"é", "b"}  # café\n', 'NAMES = {"é", "b", "acme"}  # café\n'),
    ('NAMES = frozenset({"ü"})\n', 'NAMES = frozenset({"ü", "acme"})\n'),
    ('NAMES = [\n    "é",  # naïve\n]\n', 'NAMES = [\n    "é",  # naïve\n    "acme",\n]\n'),
])
def test_the_element_lands_inside_the_container(before: str, after: str) -> None:
    assert extended(before) == after


def test_an_element_already_there_is_left_alone() -> None:
    edit = edits.TextEdit("massgen/x.py", 'NAMES = {"é", "acme"}\n')
    edits.add_site_element(edit, "<module>", "NAMES", '"acme"', "acme", "NAMES gets acme")
    assert edit.result() == 'NAMES = {"é", "acme"}\n' and edit.sites == [("NAMES gets acme", "already there")]


def test_a_last_element_without_a_comma_is_refused() -> None:
    with pytest.raises(GuideError, match=r'^massgen/x.py:2: the last element of NAMES gets acme has no trailing comma'):
        extended('NAMES = [\n    "é"  # naïve\n]\n')
