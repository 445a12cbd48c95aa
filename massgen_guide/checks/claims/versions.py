"""The guide's references and claims checked against several MassGen releases (wheels read statically)."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from massgen_guide import tables
from massgen_guide.checks.claims.check import PageReport, check_docs
from massgen_guide.checks.claims.index import index_for
from massgen_guide.checks.claims.upstream import check_upstream
from massgen_guide.errors import GuideError
from massgen_guide.paths import DATA_DIR
from massgen_guide.progress import progress
from massgen_guide.source.selection import MassGenSource, release_package_dir

DEFAULT_RELEASES = ("0.1.97", "0.1.90", "0.1.80", "0.1.70", "0.1.55", "0.1.40")
DATA_FILE = DATA_DIR / "versions_report.json"


def page_result(report: PageReport) -> dict:
    s = report.summary()
    return {
        "holds": not report.failures,
        "references": s["references"],
        "references_failed": s["references_failed"],
        "claims": s["claims"],
        "claims_failed": s["claims_failed"],
        "failures": [failure_key(f) for f in report.failures],
    }


def failure_key(finding) -> str:
    """A failure without its line number (lines move as pages are edited)."""
    return f"{finding.what} `{finding.text}`: {finding.message}"


def results_for(source: MassGenSource, docs_dir: Path) -> dict:
    index = index_for(source)
    reports = check_docs(docs_dir, source, index)
    out = {"version": source.version, "pages": {r.page: page_result(r) for r in reports
                                                 if r.summary()["references"] or r.summary()["claims"]}}
    try:
        upstream = check_upstream(source, index)
        out["upstream_skill"] = {"references": upstream.summary()["references"],
                                 "failed": len(upstream.failures)}
    except GuideError:
        out["upstream_skill"] = None
    if index.parse_errors:
        out["parse_errors"] = sorted(index.parse_errors.values())
    return out


def run_versions(releases: list[str], docs_dir: Path, *, quiet: bool = True) -> dict:
    data = {
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "releases": list(releases),
        "results": {},
    }
    with progress(len(releases), "releases", quiet=quiet) as step:
        for release in releases:
            step(f"massgen {release}: download (once, into the cache) and check")
            source = MassGenSource(release_package_dir(release), "release", release)
            data["results"][release] = results_for(source, docs_dir)
    return data


def load_data(path: Path = DATA_FILE) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GuideError(f"{path}: no versions data; run `massgen-guide versions --output {path}`") from None
    except json.JSONDecodeError as exc:
        raise GuideError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def markdown_versions(data: dict, page: str | None = None) -> str:
    """The versions page; with `page` (the site), its table and its lists of failures in both renderings
    (`tables.embed`)."""
    releases = data["releases"]
    results = data["results"]
    pages = sorted({page for release in releases for page in results[release]["pages"]})
    out = [
        f"Generated {data['generated']} by `massgen-guide versions` from the releases "
        + ", ".join(f"`{r}`" for r in releases)
        + " (wheels from PyPI, read statically; the site build itself needs no network: this page renders the "
          "committed file `massgen_guide/data/versions_report.json`).",
        "",
        "A cell is ✅ when every reference and claim on the page holds for that release, otherwise it gives the "
        "number that fail.",
    ]
    model = tables.table(["Page", *(tables.text(r) for r in releases)], name="versions report")
    for docs_page in pages:
        cells = []
        for release in releases:
            result = results[release]["pages"].get(docs_page)
            if result is None:
                cells.append("–")
            elif result["holds"]:
                cells.append("✅")
            else:
                cells.append(f"❌ {len(result['failures'])}")
        model.add(tables.code(docs_page), *(tables.text(c) for c in cells))
    skill = [results[r].get("upstream_skill") for r in releases]
    model.add(tables.Emphasis((tables.text("upstream SKILL.md (failed / references)"),)),
              *(tables.text(f"{s['failed']} / {s['references']}" if s else "not shipped") for s in skill))
    out.append(tables.block(model, page))
    out += ["## What fails in older releases", ""]
    any_failure = False
    for release in releases:
        failing = {p: r["failures"] for p, r in results[release]["pages"].items() if r["failures"]}
        if not failing:
            continue
        any_failure = True
        total = sum(len(f) for f in failing.values())
        note = tables.Collapsed(title=f"massgen {release}: {total} failing reference(s) or claim(s)",
                                name=f"failures in massgen {release}")
        for failing_page, failures in sorted(failing.items()):
            item = note.add(tables.code(failing_page))
            for failure in failures[:12]:
                item.add(failure)
            if len(failures) > 12:
                item.add(tables.text(f"... and {len(failures) - 12} more"))
        out.append(tables.block(note, page))
    if not any_failure:
        out.append("Nothing: every page holds for every release listed.")
    return "\n".join(out) + "\n"
