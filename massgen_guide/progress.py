"""Progress of the long commands (`versions` downloads and checks several releases; `audit --all` reads every
backend of a large checkout), shown on stderr so that stdout stays the command's result.

- On a terminal: a rich progress bar (rich is a MassGen dependency; without it, one line per step).
- Not on a terminal (a CI log, a pipe): one plain line per step, so a slow step is visible in the log.
- `--quiet`, or `MASSGEN_GUIDE_QUIET=1`: nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, TextIO

Advance = Callable[[str], None]
"""Called once a step starts, with what the step does ("massgen 0.1.90: download and check")."""


def quiet_requested(quiet: bool = False) -> bool:
    return quiet or os.environ.get("MASSGEN_GUIDE_QUIET", "") not in ("", "0")


@contextmanager
def progress(total: int, label: str, *, quiet: bool = False, stream: TextIO | None = None) -> Iterator[Advance]:
    """`with progress(n, "auditing") as step: ... step("claude")` shows step k of n as it starts."""
    stream = stream or sys.stderr
    if quiet_requested(quiet) or total <= 0:
        yield lambda description: None
        return
    bar = _rich_bar(stream) if stream.isatty() else None
    if bar is None:
        done = 0

        def line(description: str) -> None:
            nonlocal done
            done += 1
            print(f"massgen-guide: {label} {done}/{total}: {description}", file=stream, flush=True)

        yield line
        return
    with bar:
        task = bar.add_task(label, total=total)
        started = False

        def advance(description: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=f"{label}: {description}")

        yield advance
        bar.update(task, completed=total)


def _rich_bar(stream: TextIO):
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:
        return None
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(file=stream), transient=True)
