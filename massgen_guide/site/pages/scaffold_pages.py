"""Page generators for `massgen-guide new` (the "Scaffold a backend" page).

- `guide:scaffold-kinds`: per kind, what the scaffold writes (files created and edited, sites), computed by a dry
  run against the selected MassGen;
- `guide:scaffold-diff kind=KIND name=NAME [price=MODEL=IN/OUT]`: the real dry-run diff against the selected MassGen.

Both only read MassGen (a dry run never writes).
"""

from __future__ import annotations

from massgen_guide import tables
from massgen_guide.facts.scaffold_data import scaffold_data
from massgen_guide.scaffold.plan import Plan, build_plan
from massgen_guide.scaffold.spec import build_spec
from massgen_guide.site.directives import DirectiveCall, generator
from massgen_guide.source.selection import current_source


def _plan(kind: str, name: str, price: str | None = None) -> Plan:
    spec = build_spec(name, kind, prices=[price] if price else None)
    return build_plan(spec, current_source())


@generator("scaffold-kinds")
def scaffold_kinds(call: DirectiveCall) -> str:
    model = tables.table(["kind", "what it is", "files created", "files edited", "lines added"], name=call.name)
    for kind in scaffold_data().kinds.values():
        plan = _plan(kind.id, "acme", "acme-large=0.5/1.5")
        added = sum(1 for line in plan.diff().splitlines() if line.startswith("+") and not line.startswith("+++"))
        created = tables.join([tables.code(c.rel.replace("acme", "NAME")) for c in plan.created], tables.Break())
        edited = tables.join([tables.code(c.rel) for c in plan.edited], tables.Break())
        model.add(tables.code(kind.id), kind.title, created, edited, tables.text(added))
    return tables.embed(model, call.page)


@generator("scaffold-diff")
def scaffold_diff(call: DirectiveCall) -> str:
    plan = _plan(call.arg("kind"), call.arg("name", "acme"), call.args.get("price"))
    return "```diff\n" + plan.diff() + "```\n"
