"""The `massgen-guide new` sub-command: a dry-run diff by default, `--write` to write all files or none."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from massgen_guide.errors import GuideError


def register(subparsers: Any) -> None:
    from massgen_guide.scaffold.spec import scaffold_data

    kinds = "|".join(scaffold_data().kinds)
    parser = subparsers.add_parser(
        "new", help="scaffold a complete backend into a MassGen tree (a diff unless --write)",
        description="Scaffold a backend of one kind into a MassGen tree: the backend module (rendered from the "
        "guide's worked example), exports, create_backend branch, capabilities entry, listing sites, pricing, an "
        "example config and offline tests. Prints a unified diff and changes nothing unless --write.")
    parser.add_argument("name", metavar="NAME", help="the new backend type, a lowercase identifier, e.g. acme")
    parser.add_argument("--kind", required=True, metavar=kinds,
                        help=f"one of {', '.join(scaffold_data().kinds)}")
    parser.add_argument("--massgen", metavar="PATH", help="the MassGen tree to write into (a checkout or its "
                        "massgen/ folder); default: the MassGen chosen by MASSGEN_SOURCE")
    parser.add_argument("--provider-name", metavar="NAME", help="display name (default: the type in CamelCase)")
    parser.add_argument("--env-var", metavar="VAR", help="API-key variable (default: NAME_API_KEY; API kinds only)")
    parser.add_argument("--base-url", metavar="URL", help="the provider's default base URL (API kinds only)")
    parser.add_argument("--model", action="append", metavar="ID", dest="models",
                        help="a model id (repeat; the first is the default model)")
    parser.add_argument("--price", action="append", metavar="MODEL=INPUT/OUTPUT", dest="prices",
                        help="USD per million input/output tokens, added to PROVIDER_PRICING (repeat)")
    parser.add_argument("--write", action="store_true", help="write the files (default: print the diff only)")
    parser.add_argument("--force", action="store_true",
                        help="write into the installed package, or over uncommitted changes")
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    from massgen_guide.audit.auditor import source_for
    from massgen_guide.scaffold.plan import build_plan, write
    from massgen_guide.scaffold.spec import build_spec

    spec = build_spec(args.name, args.kind, provider=args.provider_name, env_var=args.env_var,
                      base_url=args.base_url, models=args.models, prices=args.prices)
    source = source_for(args.massgen)
    if args.write and source.kind != "checkout" and not args.force:
        raise GuideError(f"the selected MassGen is the {source.kind} package ({source.package_dir}); pass --massgen "
                         "PATH to a checkout to write into, or --force")
    plan = build_plan(spec, source)
    out = sys.stdout
    if not args.write:
        out.write(plan.diff())
        print("\nDry run: nothing written. Sites:", file=out)
    else:
        write(plan, force=args.force)
        print("Sites:", file=out)
    for line in plan.site_lines():
        print(line, file=out)
    if not plan.created and not plan.edited:
        print(f"Nothing to do: {spec.name} is already scaffolded in {plan.root}.", file=out)
    else:
        verb = "would create" if not args.write else "created"
        print(f"Files {verb}: {len(plan.created)}: " + ", ".join(c.rel for c in plan.created), file=out)
        verb = "would edit" if not args.write else "edited"
        print(f"Files {verb}: {len(plan.edited)}: " + ", ".join(c.rel for c in plan.edited), file=out)
    if not args.write and (plan.created or plan.edited):
        print("Run again with --write to write these changes.", file=out)
    target = shlex.quote(str(plan.root))
    print(f"Next: massgen-guide audit {spec.name} --massgen {target}", file=out)
    print(f"Then: PYTHONPATH={target} python -m pytest {target}/massgen/tests/test_{spec.name}.py", file=out)
    return 0
