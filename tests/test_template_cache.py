"""mkdocstrings' compiled templates are kept in the guide's cache folder; a cache that cannot be written only
costs time (massgen_guide/site/build_facts.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from massgen_guide.site.build_facts import _cache_compiled_templates

TEMPLATE = "{{ name }} is a backend"


def handler() -> SimpleNamespace:
    return SimpleNamespace(env=jinja2.Environment(loader=jinja2.DictLoader({"t.html": TEMPLATE})))


def test_a_compiled_template_is_written_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    first = handler()
    _cache_compiled_templates(first)
    assert first.env.get_template("t.html").render(name="acme") == "acme is a backend"
    folder = tmp_path / "cache" / "mkdocstrings-templates" / jinja2.__version__
    assert len(list(folder.iterdir())) == 1  # the compiled template

    second = handler()  # a later build: the template comes from the cache, not the compiler
    _cache_compiled_templates(second)
    second.env.compile = None  # (would fail if called)
    assert second.env.get_template("t.html").render(name="nimbus") == "nimbus is a backend"


def test_a_cache_folder_that_cannot_be_made_leaves_the_templates_uncached(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    h = handler()
    _cache_compiled_templates(h)
    assert h.env.bytecode_cache is None
    assert h.env.get_template("t.html").render(name="acme") == "acme is a backend"


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    h = handler()
    _cache_compiled_templates(h)
    folder = tmp_path / "cache" / "mkdocstrings-templates" / jinja2.__version__
    folder.rmdir()
    folder.write_text("a file where the folder was")  # every write into it fails (even as root)
    assert h.env.get_template("t.html").render(name="acme") == "acme is a backend"
