"""A cold build on two cores: a second process generates the pages' directives from the last page backwards.

A cold build spends a good part of its time in directive generators, whose Markdown is kept in the disk cache
of `massgen_guide.site.directives`. MkDocs builds the pages one after the other, from the first. `start` forks
the build process once the pages are known; the child walks the same pages from the last one backwards and
generates their directives into the same cache. When the build reaches a page late in its order, the page's
generated Markdown is usually there already. Where the two meet, a directive may be generated twice (with the
same result; each process writes through a temporary file of its own).

The child changes nothing the build reports or writes: a directive that fails is skipped by the child (a failure
is never cached), so the build runs it and reports the failure at its page and line, as before. The child reads
each page as MkDocs does and renders its claims as the build's claims check does (line for line), so its
directives have the build's cache keys. It prints nothing, writes only to the cache, and is stopped when the
build ends (`stop`).

Given the build's claims check (`check`), the child also checks each page's claims before its directives: that
check is cached per page as well, and it is most of what the build does on a page without generated content. A
page whose check fails is left to the build, which reports it.

It starts only where it can help and is safe: a system with `fork`, a cold cache, a process with one thread (so
not in `properdocs serve`'s rebuilds) and, unless `GUIDE_PREFETCH=on`, an idle core (besides the build's own,
at least half a core idle in a tenth of a second's sample, `idle_cores`: on a busy machine, or a machine with one
core, the child would only compete with the build).
`GUIDE_PREFETCH=off` turns it off.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from massgen_guide.site import directives
from massgen_guide.source.selection import cache_dir

SETTING = "GUIDE_PREFETCH"

LEFT_TO_THE_BUILD = frozenset({"claims-report", "binding-report", "coverage-matrix"})
"""Directives that summarise work the build has done by the time it reaches them (the claims check of every
page; the audit of every backend, for `audit-example`): cheap in the build, as costly as that work in the
child."""


@dataclass(frozen=True)
class PageSource:
    """A page as the build will read it: its path relative to `docs/`, and its file."""

    src: str
    path: Path


_child: int | None = None


def page_markdown(path: Path) -> str:
    """The page's Markdown as MkDocs hands it to `on_page_markdown`: the file read as MkDocs' `File` reads it,
    without its front matter."""
    from mkdocs.utils import meta

    with open(path, encoding="utf-8-sig", errors="strict") as handle:
        return meta.get_data(handle.read())[0]


def should_start(pages: list[PageSource], render: Callable[[str], str], site_url: str) -> bool:
    """Whether a second process can help this build (see the module's docstring)."""
    setting = os.environ.get(SETTING, "").strip().lower()
    if setting in ("off", "0", "false", "no") or not hasattr(os, "fork") or not pages:
        return False
    if threading.active_count() != 1:
        return False
    if _is_warm(pages, render, site_url):
        return False
    return setting == "on" or idle_cores() >= 1.5  # the build's own core, and half of another


IDLE_SAMPLE_SECONDS = 0.1


def idle_cores() -> float:
    """How many cores are idle now: measured over a tenth of a second from `/proc/stat` (this process sleeps
    meanwhile, so its own core counts as idle), else estimated from the one-minute load average. (The load
    average alone misleads right after a build: it still counts that build's work.)"""
    import time

    def busy_and_total() -> tuple[int, int] | None:
        try:
            with open("/proc/stat", encoding="ascii") as stat:
                fields = [int(value) for value in stat.readline().split()[1:9]]  # (guest time is in user time)
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields) - idle, sum(fields)

    cpus = os.cpu_count() or 1
    before = busy_and_total()
    if before is not None:
        time.sleep(IDLE_SAMPLE_SECONDS)
        after = busy_and_total()
        if after is not None and after[1] > before[1]:
            return cpus * (1 - (after[0] - before[0]) / (after[1] - before[1]))
    return max(0.0, cpus - os.getloadavg()[0])


def _is_warm(pages: list[PageSource], render: Callable[[str], str], site_url: str) -> bool:
    """The directives of the last page that has any are cached: the previous build had the same inputs and got
    that far, so there is nothing for a child to do. (A page that cannot be read counts as cold.) The site's
    address is part of a directive's cache key, as in the build."""
    for page in reversed(pages):
        calls = _directives_of(page, render)
        if calls is None:
            return False
        for call in calls:
            call.site_url = site_url
        if calls:
            return all(directives.is_generated(call) for call in calls)
    return True  # no directives at all


def start(pages: list[PageSource], render: Callable[[str], str], site_url: str,
          shared: Callable[[], object] = lambda: None,
          check: Callable[[str, str], str] | None = None) -> bool:
    """Fork the child that generates the directives of each page, last page first; True when it was started.
    `render(markdown)` is the page's Markdown as the build reads its directives from (claims rendered as text,
    line for line); `check(markdown, src)`, when given, is the build's cached claims check, which returns the same
    text; `shared()` loads, before the fork, what both processes need, so that it is loaded once."""
    global _child
    stop()
    if not should_start(pages, render, site_url):
        return False
    directives.inputs_signature()  # computed once, here: the child inherits it
    generators = directives.registered_generators()
    shared()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        _child = pid
        return True
    try:  # the child: no output, no exit handlers of the build's, nothing but the cache
        _quiet()
        for page in reversed(pages):
            if os.getppid() != parent:
                break
            _generate_page(page, check or (lambda markdown, _src: render(markdown)), generators, site_url)
    finally:
        os._exit(0)


def _quiet() -> None:
    import logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    logging.disable(logging.CRITICAL)


def _directives_of(page: PageSource, render: Callable[[str], str]) -> list[directives.DirectiveCall] | None:
    """The page's directives as the build will find them; None when the page cannot be read or parsed (the build
    reports that)."""
    try:
        return directives.find_directives(render(page_markdown(page.path)), page.src)
    except Exception:  # noqa: BLE001
        return None


def _generate_page(page: PageSource, check: Callable[[str, str], str], generators: dict, site_url: str) -> None:
    try:
        text = check(page_markdown(page.path), page.src)
    except Exception:  # noqa: BLE001  (the build reports the page's failure at the page)
        return
    for call in directives.find_directives(text, page.src):
        function = generators.get(call.name)
        if function is None or call.name in LEFT_TO_THE_BUILD:
            continue
        call.site_url = site_url
        try:
            directives.generate(function, call)
        except Exception:  # noqa: BLE001  (any failure is the build's to report, with its page and line)
            continue


def wait(timeout: float) -> bool:
    """Wait up to `timeout` seconds for the child to finish on its own; True when it did (for tests)."""
    import time

    global _child
    deadline = time.monotonic() + timeout
    while _child is not None:
        done, _ = os.waitpid(_child, os.WNOHANG)
        if done:
            _child = None
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def stop() -> None:
    """The build is over: end the child if it is still working, and remove a cache file it left half-written."""
    global _child
    if _child is None:
        return
    pid, _child = _child, None
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    for leftover in cache_dir().glob(f"*/*/*.{pid}.tmp"):  # in every kind's folder the child writes to
        leftover.unlink(missing_ok=True)


def running() -> int | None:
    """The child's process id, while it has not been waited for."""
    return _child
