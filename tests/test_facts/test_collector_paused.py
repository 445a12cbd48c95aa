"""The facts load runs with Python's cyclic garbage collector paused and freezes what it built
(massgen_guide/facts/loading.py: collector_paused)."""

from __future__ import annotations

import gc

import pytest

from massgen_guide.facts.loading import collector_paused


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
