"""`massgen-guide audit`: its arguments, exit codes and warnings."""

from __future__ import annotations

import argparse
import sys

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.audit.report import render, version_warnings
from massgen_guide.errors import GuideError
from massgen_guide.facts.tree import Tree


def main(args: argparse.Namespace) -> int:
    if args.changed is not None:
        from massgen_guide.audit.changed import audit_changed

        if args.all_types or args.backend_type:
            raise GuideError("give --changed FILE... alone, without BACKEND_TYPE or --all")
        return audit_changed(source_for(args.massgen), args.changed, args.base, args.format)
    if args.all_types and args.backend_type:
        raise GuideError("give either BACKEND_TYPE or --all, not both")
    if not args.all_types and not args.backend_type:
        raise GuideError("give a BACKEND_TYPE (e.g. claude) or --all")
    source = source_for(args.massgen)
    run = run_audit(source, args.backend_type, all_types=args.all_types, quiet=args.quiet)
    print_warnings(run.tree)
    sys.stdout.write(render(run, args.format))
    return run.exit_code


def print_warnings(tree: Tree) -> None:
    for warning in [*version_warnings(tree), *tree.warnings]:
        print(f"massgen-guide: warning: {warning}", file=sys.stderr)
