"""Python's cyclic garbage collector around reads that build many objects.

Parsing MassGen's modules and loading them with griffe make hundreds of thousands of objects that live on: left
on, the collector walks them again and again while they are built and while the reading goes on, for nothing
(ASTs and griffe objects are freed by reference counting when they go).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
