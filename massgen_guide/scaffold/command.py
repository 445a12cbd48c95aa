"""The `massgen-guide new` sub-command: a dry-run diff by default, `--write` to write all files or none."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING, TextIO

from massgen_guide.errors import GuideError

if TYPE_CHECKING:  # (the plan module is imported when the command runs: start-up stays light)
    from massgen_guide.scaffold.plan import Plan


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
    _print_adapt_places(plan, out)
    _print_points_left(out)
    if not args.write and (plan.created or plan.edited):
        print("Run again with --write to write these changes.", file=out)
    if not spec.prices:
        print(f"pricing: no --price given; `massgen-guide audit {spec.name}` will report the pricing point missing "
              f"until you add prices (or rerun with --price MODEL=IN/OUT), unless LiteLLM prices {spec.models[0]}",
              file=out)
    target = shlex.quote(str(plan.root))
    print(f"Next: massgen-guide audit {spec.name} --massgen {target}", file=out)
    print(f"Then: PYTHONPATH={target} python -m pytest {target}/massgen/tests/test_{spec.name}.py", file=out)
    return 0


def _print_adapt_places(plan: Plan, out: TextIO) -> None:
    """The `# ADAPT:` markers of the created files: where the example's wire format or protocol must be rewritten."""
    places = plan.adapt_places()
    if places:
        print(f"Adapt for your provider ({len(places)} places):", file=out)
        for place in places:
            print(f"  {place}", file=out)


def _print_points_left(out: TextIO) -> None:
    """The checklist points outside `massgen/` (a checkout's `docs/` and `scripts/`): the scaffold writes none of
    them, and the audit of a full checkout asks for those that apply."""
    from massgen_guide.facts.checklist import load_checklist

    points = [p for p in load_checklist().points if p.repo_only]
    if not points:
        return
    print("Not written (outside massgen/; the audit of a full checkout asks for each whose condition holds):",
          file=out)
    for point in points:
        where = "" if point.file in point.title else f" ({point.file})"
        print(f"  {point.id}: {point.title}{where}; {point.requirement_text}", file=out)
