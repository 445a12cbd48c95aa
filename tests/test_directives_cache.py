"""The disk cache of generated Markdown: reused while no input changes, regenerated when one does."""

from __future__ import annotations

from pathlib import Path

import pytest

from massgen_guide.errors import GuideError
from massgen_guide.site import directives
from massgen_guide.site.directives import DirectiveCall


@pytest.fixture
def tiny_massgen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    package = tmp_path / "checkout" / "massgen"
    (package / "backend").mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "0.0.1"\n')
    (package / "backend" / "base.py").write_text("class LLMBackend: ...\n")
    monkeypatch.setenv("MASSGEN_SOURCE", str(package.parent))
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    yield package
    directives.end_build()


def test_generated_markdown_is_reused_until_an_input_changes(tiny_massgen: Path, monkeypatch) -> None:
    produced: list[str] = []

    def generate(call: DirectiveCall) -> str:
        produced.append(call.name)
        return f"table {len(produced)}"

    call = DirectiveCall("chunk-types", {}, "reference/stream-chunks.md", 3)
    directives.start_build()
    assert directives.generate(generate, call) == "table 1"
    directives.start_build()  # a new build with the same inputs: from the cache
    assert directives.generate(generate, call) == "table 1"
    assert produced == ["chunk-types"]

    (tiny_massgen / "backend" / "base.py").write_text("class LLMBackend:\n    pass\n")  # MassGen changed
    directives.start_build()
    assert directives.generate(generate, call) == "table 2"

    monkeypatch.setenv("GUIDE_DECISION_TREES", "/elsewhere.yaml")  # a setting changed
    directives.start_build()
    assert directives.generate(generate, call) == "table 3"

    other_page = DirectiveCall("chunk-types", {}, "phases/backend-class.md", 3)  # another page
    assert directives.generate(generate, other_page) == "table 4"


def test_outside_a_build_nothing_is_cached(tiny_massgen: Path) -> None:
    produced: list[int] = []
    call = DirectiveCall("chunk-types", {}, "reference/stream-chunks.md", 3)
    directives.end_build()
    for _ in range(2):
        directives.generate(lambda c: str(produced.append(1) or len(produced)), call)
    assert produced == [1, 1]
    assert not (tiny_massgen.parent.parent / "cache" / "directives").exists()


def test_a_failing_generator_is_not_cached(tiny_massgen: Path) -> None:
    attempts: list[int] = []

    def broken(call: DirectiveCall) -> str:
        attempts.append(1)
        raise GuideError("the source has a chunk type with no explanation")

    call = DirectiveCall("chunk-types", {}, "reference/stream-chunks.md", 3)
    directives.start_build()
    for _ in range(2):
        with pytest.raises(GuideError, match="no explanation"):
            directives.generate(broken, call)
    assert len(attempts) == 2


def test_a_pages_checked_claims_are_reused_only_for_the_same_text_and_inputs(tiny_massgen: Path) -> None:
    """The build's claims check of a page (cached_during_build): reused for the same page text under unchanged
    inputs; recomputed for another text, after MassGen changes, and outside a build; a check that fails is not
    cached, so the next build fails again."""
    runs: list[str] = []

    def check(text: str):
        def compute() -> str:
            runs.append(text)
            if "false" in text:
                raise GuideError("docs/x.md: 1 claim(s) do not hold")
            return text.upper()
        return compute

    directives.start_build()
    assert directives.cached_during_build("claims-checked", ("x.md", "a"), check("a")) == "A"
    directives.start_build()
    assert directives.cached_during_build("claims-checked", ("x.md", "a"), check("a")) == "A"
    assert runs == ["a"]
    assert directives.cached_during_build("claims-checked", ("x.md", "b"), check("b")) == "B"
    for _ in range(2):
        with pytest.raises(GuideError):
            directives.cached_during_build("claims-checked", ("x.md", "false"), check("false"))
    (tiny_massgen / "backend" / "base.py").write_text("class LLMBackend:\n    x = 1\n")  # MassGen changed
    directives.start_build()
    assert directives.cached_during_build("claims-checked", ("x.md", "a"), check("a")) == "A"
    directives.end_build()
    assert directives.cached_during_build("claims-checked", ("x.md", "a"), check("a")) == "A"
    assert runs == ["a", "b", "false", "false", "a", "a"]


def test_a_setting_that_changes_only_how_a_build_runs_keeps_the_cache(tiny_massgen: Path, monkeypatch) -> None:
    """GUIDE_PREFETCH (the cold build's second process) changes no output: turning it on or off reuses the cache;
    any other GUIDE_ setting does not."""
    directives.start_build()
    before = directives.inputs_signature()
    monkeypatch.setenv("GUIDE_PREFETCH", "off")
    directives.start_build()
    assert directives.inputs_signature() == before
    monkeypatch.setenv("GUIDE_OTHER_SETTING", "1")
    directives.start_build()
    assert directives.inputs_signature() != before


def test_a_warm_page_is_expanded_without_the_generators(tiny_massgen: Path, monkeypatch) -> None:
    produced: list[str] = []

    def probe(call: DirectiveCall) -> str:
        produced.append(call.page)
        return "generated"

    monkeypatch.setitem(directives._REGISTRY, "probe-warm", probe)  # (removed again after the test)

    page = "# A\n\n<!-- guide:probe-warm -->\n"
    directives.start_build()
    assert directives.expand_directives(page, "a.md", site_url="https://docs.acme.test/") == "# A\n\ngenerated\n"

    def no_registry() -> dict:
        raise AssertionError("the generators were looked up for a cached call")

    monkeypatch.setattr(directives, "registered_generators", no_registry)
    directives.start_build()  # the next build, same inputs
    assert directives.expand_directives(page, "a.md", site_url="https://docs.acme.test/") == "# A\n\ngenerated\n"
    assert produced == ["a.md"]
    with pytest.raises(AssertionError, match="looked up"):  # another address is another key: not cached
        directives.expand_directives(page, "a.md", site_url="https://elsewhere.test/")
