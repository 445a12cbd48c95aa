"""The cold build's second process (massgen_guide/site/prefetch.py): it generates the pages' directives into the
build cache from the last page backwards, skips what it must leave to the build, and starts only where it helps.

Each case runs in a fresh interpreter (a test worker has threads, and the child is a fork of the build process):
the script below drives `prefetch.start` over a small docs folder, with generators that say which process ran
them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent('''
    import json, os, sys, threading, time
    from pathlib import Path
    from massgen_guide.errors import GuideError
    from massgen_guide.site import directives, prefetch

    docs, mode = Path(sys.argv[1]), sys.argv[2]
    SITE = "https://docs.acme.test/guide/"  # a configured site_url: part of every directive's cache key

    @directives.generator("probe")
    def probe(call):
        if call.args.get("sleep"):
            time.sleep(float(call.args["sleep"]))
        return f"{call.page}:{call.line} by {os.getpid()}"

    @directives.generator("probe-left")
    def probe_left(call):
        return "left to the build"

    prefetch.LEFT_TO_THE_BUILD = frozenset({"probe-left"})

    @directives.generator("probe-fails")
    def probe_fails(call):
        raise GuideError("a generator that fails")

    def check(markdown, src):  # the build's claims check, cached per page; a page saying FAIL fails it
        def compute():
            if "FAIL" in markdown:
                raise GuideError(f"{src}: a claim that does not hold")
            return markdown
        directives.cached_during_build("probe-checked-by", (src,), lambda: str(os.getpid()))
        return directives.cached_during_build("probe-check", (src, markdown), compute)

    pages = [prefetch.PageSource(p.relative_to(docs).as_posix(), p) for p in sorted(docs.glob("*.md"))]
    directives.start_build(docs, docs.parent / "mkdocs.yml")
    if mode == "thread":
        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
    started = prefetch.start(pages, lambda markdown: markdown, SITE, check=check)
    child = prefetch.running()
    out = {"parent": os.getpid(), "child": child, "started": started}
    if mode == "stop":
        time.sleep(1.0)  # the child is inside the sleeping generator
        begun = time.monotonic()
        prefetch.stop()
        out["stop_seconds"] = time.monotonic() - begun
        out["alive"] = os.path.exists(f"/proc/{child}")
    else:
        out["finished"] = prefetch.wait(60)
    generated = {}
    calls = [call for page in pages for call in directives.find_directives(page.path.read_text(), page.src)]
    for call in calls:
        call.site_url = SITE  # as the build's expand_directives sets it
    for call in calls:  # what the child generated
        generated[f"{call.page}:{call.line} {call.name}"] = (
            directives.generate(probe, call) if directives.is_generated(call) else None)
    out["generated"] = generated
    out["checked by"] = {page.src: directives.cached_during_build("probe-checked-by", (page.src,), lambda: "the build")
                         for page in pages}
    for call in calls:  # the build's turn: everything else
        if not call.args.get("sleep"):
            try:
                directives.generate(directives.registered_generators()[call.name], call)
            except GuideError:
                pass
    if mode == "finish":
        out["again"] = prefetch.start(pages, lambda markdown: markdown, SITE)  # the cache is warm now
        prefetch.wait(60)
    out["leftovers"] = [str(p) for p in Path(os.environ["MASSGEN_GUIDE_CACHE"]).rglob("*.tmp")]
    print(json.dumps(out))
''')


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\n<!-- guide:probe -->\n")
    (folder / "b.md").write_text("# B\n\n<!-- guide:probe-fails -->\n\n<!-- guide:probe n=2 -->\n")
    (folder / "c.md").write_text("# C\n\n<!-- guide:probe-left -->\n\n<!-- guide:probe -->\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    return folder


def run(docs: Path, mode: str, setting: str = "on", *, extra: str = "") -> dict:
    if extra:
        (docs / "d.md").write_text(extra)
    env = {**os.environ, "GUIDE_PREFETCH": setting, "MASSGEN_GUIDE_CACHE": str(docs.parent / "cache")}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(docs), mode], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_child_generates_the_directives_into_the_build_cache(docs: Path) -> None:
    out = run(docs, "finish")
    assert out["started"] and out["finished"] and out["child"] != out["parent"]
    child = f"by {out['child']}"
    assert out["generated"] == {
        "a.md:3 probe": f"a.md:3 {child}",
        "b.md:3 probe-fails": None,  # a failure is never cached: the build runs it and reports it
        "b.md:5 probe": f"b.md:5 {child}",
        "c.md:3 probe-left": None,  # in LEFT_TO_THE_BUILD
        "c.md:5 probe": f"c.md:5 {child}",
    }
    assert out["checked by"] == {"a.md": str(out["child"]), "b.md": str(out["child"]), "c.md": str(out["child"])}
    assert out["again"] is False  # the last page's directives are cached: nothing left to do
    assert out["leftovers"] == []


def test_a_page_whose_check_fails_is_left_to_the_build(docs: Path) -> None:
    out = run(docs, "finish", extra="# D\n\nFAIL\n\n<!-- guide:probe -->\n")
    assert out["started"] and out["finished"]
    assert out["generated"]["d.md:5 probe"] is None  # not generated: the build reports the page's failure first
    assert out["checked by"]["d.md"] == str(out["child"])  # (the child checked it: its marker is written first)
    assert out["generated"]["c.md:5 probe"] == f"c.md:5 by {out['child']}"


def test_stop_ends_a_child_that_is_still_working(docs: Path) -> None:
    out = run(docs, "stop", extra="# D\n\n<!-- guide:probe sleep=30 -->\n")
    assert out["started"] and out["alive"] is False
    assert out["stop_seconds"] < 10  # (a bound, not a speed figure: the generator sleeps for 30 s)
    assert out["generated"]["d.md:3 probe"] is None
    assert out["leftovers"] == []


@pytest.mark.parametrize(("mode", "setting"), [("finish", "off"), ("thread", "on")])
def test_it_does_not_start_when_turned_off_or_beside_another_thread(docs: Path, mode: str, setting: str) -> None:
    out = run(docs, mode, setting)
    assert out["started"] is False and out["child"] is None
    assert set(out["generated"].values()) == {None}


def test_no_idle_core_is_seen_while_every_core_is_busy() -> None:
    from massgen_guide.site.prefetch import idle_cores

    spin = "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass\n"
    busy = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 1)]
    try:
        import time

        time.sleep(0.5)  # the spinners started
        assert idle_cores() < 0.5
    finally:
        for process in busy:
            process.kill()
            process.wait()


def test_without_proc_stat_the_load_average_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from massgen_guide.site import prefetch

    real_open = builtins.open

    def no_proc_stat(path, *args, **kwargs):
        if str(path) == "/proc/stat":
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_proc_stat)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.75, 0.0, 0.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert prefetch.idle_cores() == pytest.approx(0.25)
