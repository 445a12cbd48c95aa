"""mkdocstrings' compiled templates are kept in the guide's cache folder; a cache that cannot be written only
costs time (massgen_guide/site/build_facts.py). The theme's compiled templates are kept in memory from one
`properdocs serve` rebuild to the next (massgen_guide/site/rebuilds.py)."""

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


# ---- the theme's templates, kept in memory from one `properdocs serve` rebuild to the next (site/rebuilds.py)

def theme_env(source: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader({"main.html": source}))


def test_the_next_rebuild_reads_the_theme_templates_compiled_by_the_last() -> None:
    from massgen_guide.site.rebuilds import COMPILED_TEMPLATES, keep_compiled_templates

    COMPILED_TEMPLATES.clear()
    first = keep_compiled_templates(theme_env(TEMPLATE))
    assert first.get_template("main.html").render(name="acme") == "acme is a backend"

    second = keep_compiled_templates(theme_env(TEMPLATE))  # the next rebuild's new environment
    second.compile = None  # (would fail if called)
    assert second.get_template("main.html").render(name="nimbus") == "nimbus is a backend"

    edited = keep_compiled_templates(theme_env("{{ name }} streams"))  # an override edited meanwhile
    assert edited.get_template("main.html").render(name="acme") == "acme streams"


def test_an_environment_with_a_cache_of_its_own_keeps_it(tmp_path: Path) -> None:
    from massgen_guide.site.rebuilds import keep_compiled_templates

    own = jinja2.FileSystemBytecodeCache(str(tmp_path))
    env = theme_env(TEMPLATE)
    env.bytecode_cache = own
    assert keep_compiled_templates(env).bytecode_cache is own
