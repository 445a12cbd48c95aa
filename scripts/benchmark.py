"""Benchmark of the guide's build (not a timed test): prints one line per figure, as a ratio where there is a target.

    python3 dev.py bench                     # everything
    .venv/bin/python scripts/benchmark.py facts build serve

Figures (issue 3):
- facts load / whole-package griffe load (target <= 0.15);
- `properdocs build --strict` of the full site / the same pages built with generation and mkdocstrings off
  (`GUIDE_GENERATION=off`, a config without the mkdocstrings plugin, not strict) (target <= 1.5);
- the rebuild of `properdocs serve` after a prose edit, in seconds (target <= 1 s), read from serve's own
  "Documentation built in N seconds" log line.

- `audit --all` in seconds (issue 6: target <= 3 s);
- the listing-site discovery (issue 11): cold and warm, and what it adds to `audit --all` (<= 0.5 s) and to a warm
  build (<= 0.3 s, an upper bound);
- `massgen-guide new` of one backend, dry run and write, start-up included (issue 12: <= 2 s; `scaffold`), and
  the scaffold proof's MassGen side: each real two-agent orchestrator run and the whole test;
- the whole test suite and one cold strict build in the same run (issue 15: the suite <= 5x the build; `suite`),
  with the CPU time each kept the machine's cores busy (Linux), and what tests/test_scaffold adds to the suite
  (issue 12: <= 40 s; `scaffold-growth`, two suite runs); run them on a quiet machine.

Every build writes to a temp dir; the docs are copied there first, so nothing in the repo is modified.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from massgen_guide.source.selection import current_source  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def line(name: str, value: float, unit: str = "", target: str = "") -> None:
    ok = ""
    if target:
        limit = float(target.split()[-1])
        ok = "  ok" if value <= limit else "  OVER TARGET"
    print(f"{name:58} {value:8.3f}{unit}{'  (target ' + target + ')' if target else ''}{ok}", flush=True)


_MEASURE = """
import json, sys, time
sys.path.insert(0, {root!r})
from massgen_guide.facts import backends, chunks, registries
from massgen_guide.facts.loading import load_massgen, load_whole_package
from massgen_guide.source.selection import current_source
source = current_source()
wall, cpu = time.perf_counter(), time.process_time()
if {whole!r}:
    load_whole_package(source)
    print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}}))
    raise SystemExit(0)
loaded = load_massgen(source)
load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
chunks.chunk_types(loaded); chunks.stream_chunk_fields(loaded); registries.builtin_hooks(loaded)
registries.create_backend_types(loaded); registries.system_prompt_sections(loaded); backends.backend_modules(loaded)
all_wall, all_cpu = time.perf_counter() - wall, time.process_time() - cpu
again = time.perf_counter()
load_massgen(source); chunks.chunk_types(loaded); registries.builtin_hooks(loaded)
print(json.dumps({{"wall": load_wall, "cpu": load_cpu, "all_wall": all_wall, "all_cpu": all_cpu,
                  "warm": time.perf_counter() - again}}))
"""


def _measure(whole: bool) -> dict[str, float]:
    """Time a load in a fresh interpreter (a whole-package load leaves the process slower for later loads)."""
    code = _MEASURE.format(root=str(ROOT), whole=whole)
    with tempfile.TemporaryDirectory() as cache:  # an empty cache: the griffe load itself, not its pickled copy
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**ENV, "MASSGEN_GUIDE_CACHE": cache},
                                capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"benchmark: load failed: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_facts(repeat: int = 3) -> dict[str, float]:
    """Griffe load of the site's modules vs the whole package, each in a fresh process; best of `repeat`.
    CPU time is the headline (the machine may be shared); wall time is printed too."""
    whole = [_measure(True) for _ in range(2)]
    subset = [_measure(False) for _ in range(repeat)]
    w_cpu, w_wall = min(r["cpu"] for r in whole), min(r["wall"] for r in whole)
    s_cpu, s_wall = min(r["cpu"] for r in subset), min(r["wall"] for r in subset)
    a_cpu = min(r["all_cpu"] for r in subset)
    warm = min(r["warm"] for r in subset)
    line("griffe load, whole massgen package (CPU s)", w_cpu, " s")
    line("griffe load, the site's modules (CPU s)", s_cpu, " s")
    line("facts load / whole-package load (CPU)", s_cpu / w_cpu, "", "<= 0.15")
    line("facts load / whole-package load (wall)", s_wall / w_wall, "", "<= 0.15")
    line("all facts (load + source scans) / whole-package load (CPU)", a_cpu / w_cpu)
    line("warm re-use of the facts in a serve rebuild (s)", warm, " s")
    return {"whole_cpu": w_cpu, "subset_cpu": s_cpu, "all_cpu": a_cpu, "warm": warm}


def _site_copy(tmp: Path, *, mkdocstrings: bool, strict: bool) -> Path:
    """A copy of docs/ and a config pointing at it (absolute paths), optionally without mkdocstrings."""
    docs = tmp / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs)
        (tmp / "snippets").symlink_to(ROOT / "snippets")  # includes are checked relative to the config file
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("\nhooks:\n", f"\ndocs_dir: {docs}\nhooks:\n", 1)
    text = text.replace("  - hooks/guide.py", f"  - {ROOT / 'hooks' / 'guide.py'}", 1)
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}", 1)
    text = re.sub(r'base_path: \["\."\]', f'base_path: ["{ROOT}"]', text)
    text = re.sub(r"(?m)^(watch:\n(?:  - .*\n)+)", lambda m: re.sub(r"(?m)^  - (?!/)", f"  - {ROOT}/", m.group(1)), text)
    if not mkdocstrings:
        text = re.sub(r"(?ms)^  - mkdocstrings:\n.*?(?=^  - |^\S)", "", text)
    if not strict:
        text = re.sub(r"(?m)^strict: true$", "strict: false", text)
    config = tmp / ("mkdocs.yml" if mkdocstrings else "mkdocs-baseline.yml")
    config.write_text(text, encoding="utf-8")
    return config


def _timed_build(config: Path, site: Path, env: dict[str, str], strict: bool) -> float:
    cmd = [sys.executable, "-m", "properdocs", "build", "--config-file", str(config), "--site-dir", str(site)]
    if strict:
        cmd.insert(4, "--strict")
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise SystemExit(f"benchmark: build failed ({config.name}): " + " | ".join(tail))
    return elapsed


def bench_build(cold: int = 2, warm: int = 4) -> dict[str, float]:
    """Full strict build vs the same pages with generation and mkdocstrings off, interleaved (so that the machine's
    load affects both alike): `cold` pairs, each in fresh cache folders (claims index, generated Markdown and facts
    computed), then `warm` pairs in the last of them (as when a contributor builds again or restarts `serve` with
    nothing changed). Each figure is the fastest of its runs: a 2-core machine's speed here varied by 15% or more
    between runs minutes apart."""
    with tempfile.TemporaryDirectory(prefix="guide-bench-") as tmp_name:
        tmp = Path(tmp_name)
        full_config = _site_copy(tmp, mkdocstrings=True, strict=True)
        base_config = _site_copy(tmp, mkdocstrings=False, strict=False)
        full_cold, base_cold, full, base = [], [], [], []
        for run in range(max(1, cold) + max(1, warm)):
            fresh = min(run, max(1, cold) - 1)  # a new pair of cache folders for each cold pair
            env = {**ENV, "MASSGEN_GUIDE_CACHE": str(tmp / f"cache-full-{fresh}")}
            base_env = {**ENV, "MASSGEN_GUIDE_CACHE": str(tmp / f"cache-base-{fresh}"), "GUIDE_GENERATION": "off"}
            is_cold = run < max(1, cold)
            (base_cold if is_cold else base).append(_timed_build(base_config, tmp / "site-base", base_env, strict=False))
            (full_cold if is_cold else full).append(_timed_build(full_config, tmp / "site-full", env, strict=True))
    line("properdocs build --strict, full site, cold cache (s)", min(full_cold), " s")
    line("properdocs build, generation and mkdocstrings off, cold cache (s)", min(base_cold), " s")
    line("full build / build without generation, cold", min(full_cold) / min(base_cold), "", "<= 1.5")
    line("properdocs build --strict, full site, warm cache (s)", min(full), " s")
    line("properdocs build, generation and mkdocstrings off, warm cache (s)", min(base), " s")
    line("full build / build without generation, warm", min(full) / min(base), "", "<= 1.5")
    return {"full_cold": min(full_cold), "base_cold": min(base_cold), "full": min(full), "base": min(base)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_serve_rebuild(edits: int = 3, timeout: float = 300.0) -> dict[str, float]:
    """Drive `properdocs serve` on a copy of the docs, edit one page's prose, and read serve's own build time; once
    as MkDocs serves by default (every page rebuilt) and once with `--dirty` (only changed pages rebuilt)."""
    results = {}
    for dirty in (False, True):
        results["dirty" if dirty else "full"] = _serve_rebuild(edits, timeout, dirty)
    return results


def _serve_rebuild(edits: int, timeout: float, dirty: bool) -> float:
    built = re.compile(r"Documentation built in ([\d.]+) seconds")
    with tempfile.TemporaryDirectory(prefix="guide-bench-serve-") as tmp_name:
        tmp = Path(tmp_name)
        config = _site_copy(tmp, mkdocstrings=True, strict=True)
        page = tmp / "docs" / "index.md"
        port = _free_port()
        cmd = [sys.executable, "-m", "properdocs", "serve", "--config-file", str(config), "--dev-addr",
               f"127.0.0.1:{port}"] + (["--dirty", "--no-strict"] if dirty else [])
        process = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        times: list[float] = []
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert process.stdout is not None
            for output in process.stdout:
                lines.put(output)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        try:
            seen = 0
            while len(times) < edits:
                try:
                    output = lines.get(timeout=timeout)
                except queue.Empty:
                    raise SystemExit("benchmark: properdocs serve did not (re)build in time") from None
                if output is None:
                    raise SystemExit("benchmark: properdocs serve stopped")
                if "ERROR" in output or "Aborted" in output:
                    raise SystemExit(f"benchmark: properdocs serve failed: {output.strip()}")
                match = built.search(output)
                if not match:
                    continue
                if seen:
                    times.append(float(match.group(1)))
                seen += 1
                if len(times) < edits:
                    time.sleep(2.0)  # past the watcher's debounce and the file-time granularity
                    with page.open("a", encoding="utf-8") as handle:
                        handle.write(f"\nA prose edit for the benchmark ({seen}).\n")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    value = statistics.median(times)
    if dirty:  # issue 15's target: `python3 dev.py serve` serves with --dirty
        line("serve rebuild after a prose edit (--dirty --no-strict, the edited page) (s)", value, " s", "<= 1.0")
    else:  # for comparison only: every page re-rendered
        line("serve rebuild after a prose edit (every page, MkDocs' default; no target) (s)", value, " s")
    return value


def _timer(totals: dict[str, float], name: str, function):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
    return timed


def bench_breakdown() -> dict[str, float]:
    """Where a full build's time goes (one in-process build, warm facts): each directive, mkdocstrings, the
    claims checks and the llms.txt plugin, as seconds and as a share of the build."""
    import logging

    import properdocs.replacement  # noqa: F401  (plugins' `mkdocs.*` imports resolve to the engine)
    from mkdocstrings_handlers.python._internal.handler import PythonHandler
    from properdocs.commands.build import build
    from properdocs.config import load_config

    from massgen_guide.site import directives
    from massgen_guide.site import hooks as mkdocs_hooks

    logging.getLogger("properdocs").setLevel(logging.ERROR)
    totals: dict[str, float] = {}
    for name, function in directives.registered_generators().items():
        directives._REGISTRY[name] = _timer(totals, f"directive {name}", function)  # noqa: SLF001
    PythonHandler.render = _timer(totals, "mkdocstrings render", PythonHandler.render)
    PythonHandler.collect = _timer(totals, "mkdocstrings collect", PythonHandler.collect)
    mkdocs_hooks.check_page_for_build = _timer(totals, "claims check of each page", mkdocs_hooks.check_page_for_build)
    mkdocs_hooks.on_post_build = _timer(totals, "llms.txt files (on_post_build)", mkdocs_hooks.on_post_build)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="guide-bench-breakdown-") as tmp_name:
        config_file = _site_copy(Path(tmp_name), mkdocstrings=True, strict=True)
        for label in ("first (cold caches)", "second (warm, as in serve)"):
            totals.clear()
            start = time.perf_counter()
            build(load_config(str(config_file), site_dir=str(Path(tmp_name) / "site")))
            whole = time.perf_counter() - start
            line(f"in-process strict build, {label} (s)", whole, " s")
            for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
                if seconds >= 0.01:
                    line(f"  {name} (s)", seconds, f" s ({100 * seconds / whole:4.1f}%)")
            results[label] = whole
    return results


def bench_audit() -> dict[str, float]:
    """`audit --all` on the chosen MassGen (issue 6: target <= 3 s), in-process and as the whole command."""
    from massgen_guide.audit.auditor import bench_audit_all

    result = bench_audit_all(repeat=3)
    line("audit --all, in-process, fresh tree (s)", result["seconds"], " s", "<= 3.0")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "massgen_guide", "audit", "--all"], cwd=ROOT, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command = time.perf_counter() - start
    line("audit --all, the whole command incl. start-up (s)", command, " s", "<= 3.0")
    return {"in_process": result["seconds"], "command": command}


_DISCOVER = """
import json, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
from massgen_guide.facts.listing_data import discover_in_source
from massgen_guide.source.selection import current_source
imported = time.perf_counter()
found = discover_in_source(current_source())
print(json.dumps({{"seconds": time.perf_counter() - imported, "sites": len(found.sites)}}))
"""


def bench_listing() -> dict[str, float]:
    """What the listing-site discovery (issue 11) costs: cold (empty cache) and warm (a later process), what it adds
    to `audit --all` (the time spent in the listed-* checks of a full run, the discovery included), and what the
    reference page costs: its generation (when an input changed) and, in every build, its conversion to HTML."""
    import markdown

    from massgen_guide.audit.report import render
    from massgen_guide.audit.auditor import run_audit
    from massgen_guide.site.directives import DirectiveCall
    from massgen_guide.site.pages.listing_pages import listing_sites_page

    source = current_source()
    with tempfile.TemporaryDirectory(prefix="guide-bench-listing-") as cache:
        env = {**ENV, "MASSGEN_GUIDE_CACHE": cache}
        runs = [json.loads(subprocess.run([sys.executable, "-c", _DISCOVER.format(root=str(ROOT))], cwd=ROOT, env=env,
                                          capture_output=True, text=True, check=True).stdout) for _ in range(3)]
        line(f"listing-site discovery, empty cache ({runs[0]['sites']} sites) (s)", runs[0]["seconds"], " s")
        warm = min(r["seconds"] for r in runs[1:])
        line("listing-site discovery, warm cache, new process (s)", warm, " s")
        os.environ["MASSGEN_GUIDE_CACHE"] = cache
        from massgen_guide.audit import auditor as audit_module

        totals: dict[str, float] = {}
        original = audit_module.CHECKS["listing_sites"]
        audit_module.CHECKS["listing_sites"] = _timer(totals, "listing", original)
        try:
            added = []
            for _ in range(3):
                totals.clear()
                render(run_audit(source, None, all_types=True), "text")
                added.append(totals.get("listing", 0.0))
        finally:
            audit_module.CHECKS["listing_sites"] = original
        added = min(added)
        line("audit --all: time in the listed-* checks, discovery included (s)", added, " s", "<= 0.5")
        start = time.perf_counter()
        text = listing_sites_page(DirectiveCall("listing-sites", {}, "reference/listing-sites.md", 1))
        generation = time.perf_counter() - start
        line("listing page: generation, once per change of its inputs (s)", generation, " s")
        start = time.perf_counter()
        markdown.markdown(text, extensions=["tables", "md_in_html", "attr_list", "toc"])
        page = time.perf_counter() - start
        # a warm build takes the generated Markdown from the directive cache and converts it
        line("warm build: added by the listing page (Markdown to HTML) (s)", page, " s", "<= 0.3")
    return {"cold": runs[0]["seconds"], "warm": warm, "audit_added": added, "generation": generation,
            "build_added": page}


MEASURED: dict[str, tuple[float, str]] = {}
"""Suite runs already measured in this run of the script (the `suite` section's, reused by `scaffold-growth`)."""


def _timed_suite(extra: list[str]) -> tuple[float, str]:
    """(seconds, pytest's summary line) of the suite as `python3 dev.py test` runs it, install excluded."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    # A temp folder of its own, removed after the clock stops: in pytest's shared numbered folders a session
    # deletes older sessions' folders on exit (the suite before it, with its MassGen copies), which a fresh CI
    # machine never pays.
    with tempfile.TemporaryDirectory(prefix="guide-bench-suite-") as basetemp:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", *dev.PYTEST_WORKERS, *extra,
                                 "--basetemp", basetemp], cwd=ROOT, env=ENV, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    summary = [l for l in result.stdout.splitlines() if " passed" in l or " failed" in l][-1:]
    for failed in (l for l in result.stdout.splitlines() if l.startswith(("FAILED ", "ERROR "))):
        print(f"benchmark: the suite had a failure: {failed}", file=sys.stderr, flush=True)
    return seconds, summary[0].strip("= ") if summary else "no summary"


def busy_cpu_seconds() -> float | None:
    """The CPU-seconds the machine's cores have spent busy since boot (Linux `/proc/stat`: user, nice, system, irq
    and softirq; not idle, iowait or time stolen by a hypervisor), or None elsewhere. The machine's, not one
    process tree's: Chromium's processes, which the test's process never waits for, count too."""
    try:
        ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _cpu_during(function):
    """(function's result, the CPU-seconds the machine was busy meanwhile, None where unknown)."""
    before = busy_cpu_seconds()
    result = function()
    after = busy_cpu_seconds()
    return result, (after - before if before is not None and after is not None else None)


def _cold_strict_build() -> float:
    """One `properdocs build --strict` of the full site with an empty cache folder."""
    with tempfile.TemporaryDirectory(prefix="guide-bench-") as tmp_name:
        tmp = Path(tmp_name)
        config = _site_copy(tmp, mkdocstrings=True, strict=True)
        return _timed_build(config, tmp / "site", {**ENV, "MASSGEN_GUIDE_CACHE": str(tmp / "cache")}, strict=True)


def bench_suite() -> dict[str, float]:
    """The whole test suite as `python3 dev.py test` runs it, install excluded, and one cold strict build in the
    same run: the suite within 5x the build (issue 15)."""
    build, build_cpu = _cpu_during(_cold_strict_build)
    (seconds, summary), suite_cpu = _cpu_during(lambda: _timed_suite([]))
    MEASURED["suite"] = (seconds, summary)
    line("properdocs build --strict, full site, cold cache (s)", build, " s")
    line(f"test suite ({summary}) (s)", seconds, " s")
    line("test suite / one cold strict build", seconds / build, "", "<= 5")
    if build_cpu and suite_cpu:
        # how much work the suite is, whatever the workers: on a machine whose cores the suite keeps busy, its
        # wall time can only fall with its CPU time
        line("CPU time the cold build kept the cores busy (CPU-s)", build_cpu, " CPU-s")
        line("CPU time the suite kept the cores busy (CPU-s)", suite_cpu, " CPU-s")
        line(f"cores busy during the suite, on average (of {os.cpu_count()})", suite_cpu / seconds)
        line("suite CPU time / cold build CPU time", suite_cpu / build_cpu)
    return {"seconds": seconds, "build": build, "build_cpu": build_cpu or 0.0, "suite_cpu": suite_cpu or 0.0}


def bench_scaffold_growth() -> dict[str, float]:
    """What the scaffolder's tests (tests/test_scaffold/: the four kinds, the scaffold proof with its orchestrator
    runs, bad input) add to the suite: the suite with and without them, one after the other (issue 12: <= 40 s);
    the whole suite's run is the `suite` section's when both sections run."""
    without, _ = _timed_suite(["--ignore", "tests/test_scaffold"])
    whole, summary = MEASURED.get("suite") or _timed_suite([])
    line("test suite without tests/test_scaffold (s)", without, " s")
    line(f"test suite ({summary}) (s)", whole, " s")
    line("what tests/test_scaffold adds to the suite (s)", whole - without, " s", "<= 40")
    return {"without": without, "whole": whole}


def bench_scaffold() -> dict[str, float]:
    """`massgen-guide new acme --kind KIND` as the whole command (issue 12: <= 2 s), dry run and --write, per kind,
    into a temp git copy of the chosen MassGen (Python files only)."""
    out: dict[str, float] = {}
    kinds = ("openai-compatible", "custom-api", "cli-wrapper", "sdk-wrapper")
    with tempfile.TemporaryDirectory(prefix="bench-scaffold-") as tmp:
        for kind in kinds:
            root = Path(tmp) / kind
            shutil.copytree(current_source().package_dir, root / "massgen",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            git = ["git", "-c", "user.name=b", "-c", "user.email=b@localhost", "-C", str(root)]
            for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
                subprocess.run([*git, *args], check=True, stdout=subprocess.DEVNULL)
            for mode in ("dry run", "write"):
                cmd = [sys.executable, "-m", "massgen_guide", "new", "acme", "--kind", kind, "--massgen", str(root),
                       "--price", "acme-large=0.5/1.5"] + (["--write"] if mode == "write" else [])
                start = time.perf_counter()
                done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
                seconds = time.perf_counter() - start
                if done.returncode != 0:
                    print(f"benchmark: new --kind {kind} failed: {done.stderr.strip()}", file=sys.stderr)
                line(f"new acme --kind {kind}, {mode}, whole command (s)", seconds, " s", "<= 2.0")
                out[f"{kind} {mode}"] = seconds
    out.update(bench_scaffold_proof())
    return out


def bench_scaffold_proof() -> dict[str, float]:
    """The MassGen side of the scaffold tests (tests/test_scaffold/test_kinds.py): one subprocess runs the
    scaffolded tests, MassGen's registry tests and the real two-agent orchestrator runs of every kind and worked
    example (plus one through `massgen --automation`); the test writes each run's seconds to an artifact."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scaffold-proof-") as tmp:
        env = {**ENV, "GUIDE_ARTIFACTS": tmp}
        cmd = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
               "tests/test_scaffold/test_kinds.py", "-k", "orchestrator_runs"]
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        whole = time.perf_counter() - start
        timings = Path(tmp) / "orchestrator-timings.txt"
        if done.returncode != 0 or not timings.exists():
            print(f"benchmark: the scaffold proof failed:\n{done.stdout[-3000:]}", file=sys.stderr)
            return out
        for row in timings.read_text(encoding="utf-8").splitlines():
            label, seconds = row.rsplit(" ", 1)
            line(f"{label} (s)"[:58], float(seconds), " s")
            out[label] = float(seconds)
        runs = sum(v for k, v in out.items() if k.startswith(("orchestrator ", "automation ")))
        line("the orchestrator runs together (s)", runs, " s", "<= 40")
        line("scaffold proof test, whole (copies, scaffolding, subprocess) (s)", whole, " s")
        out["scaffold proof test"] = whole
    return out


SECTIONS = {"facts": bench_facts, "build": bench_build, "serve": bench_serve_rebuild,
            "breakdown": bench_breakdown, "audit": bench_audit, "listing": bench_listing, "scaffold": bench_scaffold,
            "suite": bench_suite, "scaffold-growth": bench_scaffold_growth}


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"benchmark: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    source = current_source()
    print(f"MassGen {source.version} ({source.kind}), {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    for name in names:
        SECTIONS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
