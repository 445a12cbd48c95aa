"""`massgen-guide claims | upstream | versions`: the prose checked against MassGen."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import GuideError

DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"


def _docs_dir(args) -> Path:
    if not getattr(args, "docs", None) and not DOCS_DIR.is_dir():
        raise GuideError("the guide's pages (docs/) are not installed with the package: pass --docs FOLDER, or run "
                         "this in a clone of the guide's repository")
    docs = Path(args.docs) if getattr(args, "docs", None) else DOCS_DIR
    if not docs.is_dir():
        raise GuideError(f"--docs {docs}: no such folder")
    return docs


def run_claims(args) -> int:
    from .claims.check import check_docs
    from .claims.report import json_report, text_report
    from .source import chosen_source

    if args.binding:
        from .claims.binding import binding_for_docs, text_binding_report, totals

        pages = binding_for_docs(_docs_dir(args))
        if args.format == "json":
            print(json.dumps({"totals": totals(pages), "pages": [p.to_json() for p in pages]}, indent=2))
        else:
            print(text_binding_report(pages))
        return 0
    source = chosen_source(args.massgen)
    reports = check_docs(_docs_dir(args), source)
    if args.format == "json":
        print(json.dumps(json_report(reports, source), indent=2))
    else:
        print(text_report(reports, source))
    return 1 if any(r.failures for r in reports) else 0


def run_upstream(args) -> int:
    from .claims.report import json_report, text_report
    from .claims.upstream import check_upstream
    from .source import chosen_source

    source = chosen_source(args.massgen)
    report = check_upstream(source)
    if args.format == "json":
        print(json.dumps(json_report([report], source), indent=2))
    else:
        print(text_report([report], source))
    return 1 if args.strict and report.failures else 0


def run_versions(args) -> int:
    from .claims.versions import markdown_versions, run_versions

    releases = args.releases
    for release in releases:
        if not release[0].isdigit():
            raise GuideError(f"--releases: {release!r} is not a release version such as 0.1.97")
    data = run_versions(releases, _docs_dir(args))
    if args.output:
        output = Path(args.output)
        if not output.parent.is_dir():
            raise GuideError(f"--output {output}: no such folder {output.parent}")
        output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for release in releases:
            pages = data["results"][release]["pages"]
            holding = sum(1 for r in pages.values() if r["holds"])
            print(f"massgen {release}: {holding}/{len(pages)} pages hold")
            for page, result in sorted(pages.items()):
                if not result["holds"]:
                    print(f"  {page}: {len(result['failures'])} failing")
        if args.output:
            print(f"wrote {args.output}")
    return 0


def register(subparsers) -> None:
    from .claims.versions import DEFAULT_RELEASES
    from .source import add_massgen_option

    claims = subparsers.add_parser("claims", help="check every code reference and claim in the guide's pages "
                                   "against the selected MassGen")
    add_massgen_option(claims)
    claims.add_argument("--format", choices=("text", "json"), default="text")
    claims.add_argument("--docs", help="the docs folder to check (default: this guide's docs/)")
    claims.add_argument("--binding", action="store_true", help="print the binding report instead: which "
                        "behavioural sentences of the behaviour pages a claim or an executed block binds")
    claims.set_defaults(run=run_claims)

    upstream = subparsers.add_parser("upstream", help="check the backend-integrator SKILL.md shipped inside the "
                                     "selected MassGen")
    add_massgen_option(upstream)
    upstream.add_argument("--format", choices=("text", "json"), default="text")
    upstream.add_argument("--strict", action="store_true", help="exit 1 when anything in it is out of date")
    upstream.set_defaults(run=run_upstream)

    versions = subparsers.add_parser("versions", help="run the checks against several MassGen releases from PyPI "
                                     "(wheels downloaded without dependencies into the cache)")
    versions.add_argument("--releases", nargs="+", default=list(DEFAULT_RELEASES), metavar="VERSION")
    versions.add_argument("--output", help="write the results as JSON here (the versions page renders "
                          "massgen_guide/data/versions_report.json)")
    versions.add_argument("--format", choices=("text", "json"), default="text")
    versions.add_argument("--docs", help="the docs folder to check (default: this guide's docs/)")
    versions.set_defaults(run=run_versions)
