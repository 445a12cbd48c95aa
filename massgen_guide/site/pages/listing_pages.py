"""Page generators for MassGen's listing sites (`massgen_guide/data/listing_sites.yaml` + the discovery).

- `guide:listing-sites`: the reference page body: per role, a matrix of backend types × sites, every cell linking
  to the line of MassGen that names the type, then what each site is for and whether a new backend must appear.
- `guide:listing-sites-required`: the sites a new backend must appear in, by requirement (registration page).
- `guide:phase-files phase=ID`: the files a phase touches, from the checklist's points.

A site MassGen gains that the data file does not explain (or an explained site that is gone) stops the build
here, with the file and line.
"""

from __future__ import annotations

import html
import posixpath

from massgen_guide import tables
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import load_checklist
from massgen_guide.facts.listing_data import (
    CHECKED_REQUIREMENTS,
    REQUIREMENTS,
    ExplainedSite,
    check_listing_sites,
    discover_in_tree,
    explained_sites,
    listing_data,
)
from massgen_guide.facts.listing_sites import KEYS_THRESHOLD, NAMES_THRESHOLD, TYPES_THRESHOLD, Discovery
from massgen_guide.facts.tree import Evidence, Tree
from massgen_guide.site.directives import DirectiveCall, generator
from massgen_guide.site.pages.checklist_pages import rel_link
from massgen_guide.source.selection import MassGenSource, current_source

SOURCE_URL = "https://github.com/massgen/MassGen/blob/v{version}/{path}#L{line}"
MARK = {"type": "✓", "name": "✓ name", "key": "✓ key"}


def _site_facts(tree: Tree | None = None) -> tuple[Tree, Discovery, list[ExplainedSite]]:
    tree = tree or Tree(current_source())
    discovery = discover_in_tree(tree)
    data = listing_data()
    problems = check_listing_sites(discovery, data)
    if problems:
        raise GuideError(problems[0] + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""))
    return tree, discovery, explained_sites(discovery, data)


def _source_link(tree: Tree, path: str, line: int, text: str, title: str = "") -> str:
    """A link to a line of MassGen: GitHub at the release tag for a release, plain text for a checkout."""
    if tree.source.kind in {"installed", "release"}:
        url = SOURCE_URL.format(version=tree.version, path=path, line=line)
        tip = f' "{_attr(title)}"' if title else ""
        return f"[{text}]({url}{tip})"
    return text


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("|", "/")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(item: ExplainedSite) -> str:
    """`config_builder.py: interactive_api_key_setup, all_providers`: the file, the function, what the site is."""
    what = item.site.key.rsplit("::", 1)[-1]
    scope = "" if item.site.scope == "<module>" else item.site.scope.rsplit(".", 1)[-1] + ", "
    return f"{item.site.path.rsplit('/', 1)[-1]}: {scope}{what}"


@generator("listing-sites")
def listing_sites_page(call: DirectiveCall) -> str:
    tree, discovery, items = _site_facts()
    data = listing_data()
    types = sorted(discovery.vocabulary.types)
    out = [
        f"MassGen **{tree.version}** lists its providers in **{len(items)} places** outside the backend modules, "
        f"found while this page was built by reading every module of the package "
        f"({len(types)} registered backend types). A construct is a listing site when it names at least "
        f"{TYPES_THRESHOLD} registered backend types, {KEYS_THRESHOLD} of their API-key variables or "
        f"{NAMES_THRESHOLD} of their provider names.",
        "",
    ]
    if discovery.skipped:
        out += ['!!! warning "Files the discovery could not read"', ""]
        out += [f"    - `{line}`" for line in discovery.skipped]
        out.append("")
    counts = {r: sum(1 for i in items if i.requires == r) for r in REQUIREMENTS}
    model = tables.table(["Who must appear", "Sites", "Checked by"], name="listing-sites requirements")
    for rid in REQUIREMENTS:
        requirement = data.requirements[rid]
        point = next((p for p in load_checklist().points if p.id == requirement.point), None)
        checked = tables.link(tables.code(point.id), rel_link(call.page, point)) if point else "—"
        model.add(tables.text(requirement.title), tables.text(counts[rid]), checked)
    out.append(tables.embed(model, call.page))
    for role in data.roles.values():
        group = [i for i in items if i.explanation.role == role.id]
        if not group:
            continue
        out += [f"## {role.title}", ""]
        out += [tables.embed(_matrix(tree, discovery, group, types, role.title), call.page)]
        for item in group:
            requirement = data.requirements[item.requires].title
            if item.explanation.capability:
                requirement += f", those whose capabilities entry declares `{item.explanation.capability}`"
            site = item.site
            link = _source_link(tree, site.path, site.line, f"`{site.location}`")
            out.append(f"- **{html.escape(_short(item))}** ({site.construct}, {link}): {item.explanation.what} "
                       f"*{requirement}.* {item.explanation.why}")
        out.append("")
    return "\n".join(out)


def _matrix(tree: Tree, discovery: Discovery, group: list[ExplainedSite], types: list[str], role: str) -> tables.Table:
    """Backend types (rows, first column sticky) × the role's sites (columns), each cell linking to the line of
    MassGen that names the type."""
    vocabulary = discovery.vocabulary
    head: list = [tables.text("Backend type")]
    for number, item in enumerate(group, start=1):
        tip = f"{_short(item)}: {item.explanation.what}"
        head.append(_part_link(tree, item.site.path, item.site.line, f"{number}. {_short(item)}", tip))
    model = tables.table(head, name=f"listing sites: {role}")
    model.wrapper = ('<div class="guide-listing-matrix">', "</div>")
    for backend_type in types:
        cells: list = [tables.code(backend_type)]
        for item in group:
            mention = item.site.mention_of(backend_type, vocabulary)
            if mention is None:
                cells.append(tables.Cell((tables.text("–"),), title="absent"))
                continue
            how, line = mention
            cells.append(_part_link(tree, item.site.path, line, MARK[how], f"{item.site.path}:{line}"))
        model.add(*cells)
    return model


def _part_link(tree: Tree, path: str, line: int, text: str, title: str) -> tables.Part:
    """A link to a line of MassGen (a release's tag on GitHub), or the plain text (with its title) for a checkout."""
    if tree.source.kind in {"installed", "release"}:
        return tables.link(tables.text(text), SOURCE_URL.format(version=tree.version, path=path, line=line), title)
    return tables.Span((tables.text(text),), title=title)


@generator("listing-sites-required")
def listing_sites_required(call: DirectiveCall) -> str:
    tree, _discovery, items = _site_facts()
    data = listing_data()
    page = posixpath.relpath("reference/listing-sites.md", posixpath.dirname(call.page) or ".")
    out = []
    for rid in CHECKED_REQUIREMENTS:
        group = [i for i in items if i.requires == rid]
        if not group:
            continue
        out += [f"**{data.requirements[rid].title}:**", ""]
        for item in group:
            out.append(f"- `{item.site.location}` ({_md(_short(item))}): {item.explanation.what}")
        out.append("")
    optional = sum(1 for i in items if i.requires == "optional")
    out.append(f"{optional} more sites are optional; [the full list]({page}) says what each gives a backend.")
    return "\n".join(out) + "\n"


@generator("phase-files")
def phase_files(call: DirectiveCall) -> str:
    """The files a phase touches, one row per checklist point of the phase."""
    phase_id = call.arg("phase")
    checklist = load_checklist()
    points = [p for p in checklist.points if p.phase == phase_id]
    if not points:
        raise GuideError(f"phase={phase_id!r}: no checklist point has this phase")
    model = tables.table(["Step", "File", "What for", "Required?", "Audit point"], name=call.name)
    for point in points:
        file = tables.code(point.file) if "/" in point.file and " " not in point.file else point.file
        model.add(tables.link(point.title, rel_link(call.page, point)), file, point.purpose,
                  point.requirement_text, tables.code(point.id))
    return tables.embed(model, call.page)


def required_site_lines(source: MassGenSource | None = None) -> list[tuple[str, list[Evidence]]]:
    """For the skill file: (requirement title, the sites) for every requirement a new backend must meet."""
    _tree, _discovery, items = _site_facts(Tree(source) if source is not None else None)
    data = listing_data()
    out = []
    for rid in CHECKED_REQUIREMENTS:
        group = [Evidence(i.site.path, i.site.line, _short(i).split(": ", 1)[1]) for i in items if i.requires == rid]
        if group:
            out.append((data.requirements[rid].title, group))
    return out
