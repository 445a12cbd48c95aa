"""The facts load runs with Python's cyclic garbage collector paused and freezes what it built; a run of the audit
runs with it off and leaves it as it was (massgen_guide/facts/collector.py)."""

from __future__ import annotations

import gc

import pytest

from massgen_guide.facts.collector import collector_off, collector_paused


@pytest.fixture(autouse=True)
def collector_on():
    """Each case starts with the collector on, as a build's process does, and the worker's state is restored after
    (a test worker's state depends on what ran there before: in a full suite it was once found off here)."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_during_the_load_and_the_load_is_frozen_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        built = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(built)


def test_a_failed_load_freezes_nothing_and_the_collector_is_back_on() -> None:
    before = gc.get_freeze_count()
    with pytest.raises(ValueError, match="bad load"), collector_paused():
        _garbage = [[i] for i in range(1000)]
        raise ValueError("bad load")
    assert gc.isenabled()
    assert gc.get_freeze_count() <= before  # (frozen objects freed meanwhile make it smaller; a freeze, larger)


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_off_during_a_run_and_back_after_freezing_nothing() -> None:
    before = gc.get_freeze_count()
    with collector_off():
        assert not gc.isenabled()
        _built = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() <= before


def test_a_failed_run_turns_the_collector_back_on_and_one_that_was_off_stays_off() -> None:
    with pytest.raises(ValueError, match="bad run"), collector_off():
        raise ValueError("bad run")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_audit_runs_with_the_collector_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from massgen_guide.audit import auditor
    from massgen_guide.source.selection import current_source

    seen = []
    monkeypatch.setattr(auditor, "_run_audit", lambda *args, **kwargs: seen.append(gc.isenabled()))
    auditor.run_audit(current_source(), "claude")
    assert seen == [False] and gc.isenabled()


def test_a_build_turns_the_collector_off_until_it_ends_or_fails() -> None:
    from massgen_guide.facts.collector import collector_off_until_resumed, resume_collector
    from massgen_guide.site import hooks

    collector_off_until_resumed()
    collector_off_until_resumed()  # (a second call changes nothing: the state to go back to is kept)
    assert not gc.isenabled()
    hooks.on_build_error(RuntimeError("the build failed"))  # what MkDocs calls when any hook or step raises
    assert gc.isenabled()
    resume_collector()  # (nothing to resume: it stays on)
    assert gc.isenabled()

    gc.disable()  # a process that had it off keeps it off
    try:
        collector_off_until_resumed()
        resume_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()


PROBE_HOOK = '''
import gc, json, os

seen = {}


def on_page_markdown(markdown, page, config, files):
    seen["pages"] = gc.isenabled()
    return markdown


def on_post_build(config):
    seen["after"] = gc.isenabled()
    with open(os.environ["PROBE_OUT"], "w") as out:
        json.dump(seen, out)
'''


def test_a_real_build_runs_its_pages_with_the_collector_off_and_ends_with_it_on(tmp_path) -> None:
    import json

    from tests.conftest import ROOT, run_mkdocs_build

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# A page\n\nThe base class is `LLMBackend`.\n")
    (tmp_path / "probe.py").write_text(PROBE_HOOK)
    (tmp_path / "mkdocs.yml").write_text(  # the guide's hooks, then the probe (hooks run in this order)
        f"site_name: probe\ndocs_dir: docs\ntheme:\n  name: material\nhooks:\n  - {ROOT / 'hooks' / 'guide.py'}\n  - probe.py\n")
    out = tmp_path / "seen.json"
    done = run_mkdocs_build(tmp_path / "site", config=tmp_path / "mkdocs.yml", cwd=tmp_path,
                            env={"PROBE_OUT": str(out), "GUIDE_GENERATION": "off"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(out.read_text()) == {"pages": False, "after": True}
