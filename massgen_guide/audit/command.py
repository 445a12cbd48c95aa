"""`massgen-guide audit`: its arguments, exit codes and warnings."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.audit.report import render, version_warnings
from massgen_guide.errors import GuideError
from massgen_guide.facts.tree import Tree
from massgen_guide.source.selection import add_massgen_option


# ---------------------------------------------------------------------------------------------- CLI
def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit", help="check a MassGen tree for one backend type's integration points",
        description="Check a MassGen tree (static analysis only) for the integration points of a backend type. "
        "Exit 0 when no required point is missing, 1 when one is, 2 on bad input.")
    parser.add_argument("backend_type", nargs="?", metavar="BACKEND_TYPE", help="the YAML backend type, e.g. claude")
    add_massgen_option(parser)
    parser.add_argument("--all", action="store_true", dest="all_types",
                        help="audit every backend type MassGen registers and print the matrix")
    parser.add_argument("--changed", nargs="*", metavar="FILE",
                        help="audit the backend types these changed files touch (the pre-commit hook's entry): "
                        "a massgen/backend/<name>.py, or a type added to or changed in create_backend or "
                        "BACKEND_CAPABILITIES (compared with --base)")
    parser.add_argument("--base", default="HEAD", metavar="REV",
                        help="with --changed: the git revision the registries are compared with (default: HEAD)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(run=main)


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
    run = run_audit(source, args.backend_type, all_types=args.all_types)
    print_warnings(run.tree)
    sys.stdout.write(render(run, args.format))
    return run.exit_code


def print_warnings(tree: Tree) -> None:
    for warning in [*version_warnings(tree), *tree.warnings]:
        print(f"massgen-guide: warning: {warning}", file=sys.stderr)
