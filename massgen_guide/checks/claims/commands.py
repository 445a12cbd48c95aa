"""`massgen-guide claims | upstream | versions`: the prose checked against MassGen."""

from __future__ import annotations

import json
from pathlib import Path

from massgen_guide.errors import GuideError
from massgen_guide.paths import DOCS_DIR


def _docs_dir(args) -> Path:
    if not getattr(args, "docs", None) and not DOCS_DIR.is_dir():
        raise GuideError("the guide's pages (docs/) are not installed with the package: pass --docs FOLDER, or run "
                         "this in a clone of the guide's repository")
    docs = Path(args.docs) if getattr(args, "docs", None) else DOCS_DIR
    if not docs.is_dir():
        raise GuideError(f"--docs {docs}: no such folder")
    return docs


def run_claims(args) -> int:
    from massgen_guide.checks.claims.check import check_docs
    from massgen_guide.checks.claims.report import json_report, text_report
    from massgen_guide.source.selection import chosen_source

    if args.binding:
        from massgen_guide.checks.claims.binding import binding_for_docs, text_binding_report, totals

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
    from massgen_guide.checks.claims.report import json_report, text_report
    from massgen_guide.checks.claims.upstream import check_upstream
    from massgen_guide.source.selection import chosen_source

    source = chosen_source(args.massgen)
    report = check_upstream(source)
    if args.format == "json":
        print(json.dumps(json_report([report], source), indent=2))
    else:
        print(text_report([report], source))
    return 1 if args.strict and report.failures else 0


def run_versions(args) -> int:
    from massgen_guide.checks.claims.versions import DEFAULT_RELEASES, run_versions

    releases = args.releases or list(DEFAULT_RELEASES)
    for release in releases:
        if not release[0].isdigit():
            raise GuideError(f"--releases: {release!r} is not a release version such as 0.1.97")
    data = run_versions(releases, _docs_dir(args), quiet=args.quiet)
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
