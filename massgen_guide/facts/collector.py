"""Python's cyclic garbage collector around reads that build many objects.

Parsing MassGen's modules and loading them with griffe make hundreds of thousands of objects that live on: left
on, the collector walks them again and again while they are built and while the reading goes on, for nothing
(ASTs and griffe objects are freed by reference counting when they go).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


_resume_to: bool | None = None
"""Whether `resume_collector` turns the collector back on (None: not paused by `collector_off_until_resumed`)."""


def collector_off_until_resumed() -> None:
    """The collector off for work spread over several calls (a site build, from its first hook to its last) until
    `resume_collector`. A build off the collector is about a quarter faster when cold: besides the walks, the
    cold build's second process is a fork, and each collection there writes to every page it shares with the
    build. Both processes end up holding a little more memory (about 15%: the cycles freed at the end)."""
    global _resume_to
    if _resume_to is None:
        _resume_to = gc.isenabled()
    gc.disable()


def resume_collector() -> None:
    """The collector back as it was before `collector_off_until_resumed` (a no-op when it was not called)."""
    global _resume_to
    if _resume_to:
        gc.enable()
    _resume_to = None


@contextmanager
def collector_off() -> Iterator[None]:
    """The collector off for a bounded piece of work (a run of the audit), and back as it was after, whatever
    happens: what the work leaves behind is collected as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a load builds its many long-lived objects,
    and those objects frozen after it (left out of every later collection).

    Left on, the collector walks the growing heap again and again during the load, and each later full collection
    walks the load again. A load replaced later (a MassGen file edited while `serve` runs) is unfrozen first
    (`load_massgen`), so the collector can free it.
    """
    gc.collect()  # (nothing left over is frozen with the load)
    with collector_off():
        yield
        gc.freeze()  # (not reached when the load fails)
