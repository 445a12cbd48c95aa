"""Every change of one `massgen-guide new` run: computed from the tree, shown as a diff, or written all-or-none."""

from __future__ import annotations

import ast
import difflib
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from massgen_guide.audit.provider_name import (
    DISPLAY_NAMES,
    KEY,
    NO_RULE,
    TABLE,
    UNDERSCORED,
    display_names,
    normalized_type,
)
from massgen_guide.audit.registry_checks import framework_pin_in
from massgen_guide.errors import GuideError
from massgen_guide.facts.ast_reading import own_returns
from massgen_guide.facts.checklist import load_checklist
from massgen_guide.facts.listing_data import listing_data
from massgen_guide.facts.scaffold_data import scaffold_data
from massgen_guide.facts.tree import Tree
from massgen_guide.scaffold import edits, render
from massgen_guide.scaffold.spec import Spec
from massgen_guide.source.selection import MassGenSource

CAPABILITIES = "massgen/backend/capabilities.py"
BACKENDS_INIT = "massgen/backend/__init__.py"
CREATE_BACKEND = "massgen/cli/backends.py"
PRICING = "massgen/token_manager/token_manager.py"
EXCLUSION_TEST = "massgen/tests/test_api_params_exclusion.py"
ADAPT = re.compile(r"#\s*ADAPT:\s*(.*\S)")
"""The marker the worked examples and the test templates put above each provider-specific spot."""


@dataclass
class Change:
    rel: str
    old: str | None
    """None for a file the scaffold creates."""
    new: str
    sites: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class Plan:
    spec: Spec
    root: Path
    """The folder holding `massgen/` (a checkout, or the parent of a package folder)."""
    changes: list[Change]

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.old is None and c.changed]

    @property
    def edited(self) -> list[Change]:
        return [c for c in self.changes if c.old is not None and c.changed]

    def diff(self) -> str:
        out = []
        for change in self.changes:
            if not change.changed:
                continue
            old = [] if change.old is None else change.old.splitlines(keepends=True)
            out += difflib.unified_diff(old, change.new.splitlines(keepends=True),
                                        "/dev/null" if change.old is None else f"a/{change.rel}", f"b/{change.rel}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)

    def site_lines(self) -> list[str]:
        return [f"  {status:<13} {label} ({change.rel})" for change in self.changes for label, status in change.sites]

    def adapt_places(self) -> list[str]:
        """`path:line: text` for each `# ADAPT:` marker in the files this run creates: the spots of the worked
        example that encode its wire format or CLI/SDK protocol, which a real provider's differ from."""
        return [f"{change.rel}:{number}: {match.group(1)}" for change in self.created
                for number, line in enumerate(change.new.splitlines(), 1) if (match := ADAPT.search(line))]


def registered_at(tree: Tree, name: str) -> str | None:
    if name in tree.capabilities:
        line = tree.capabilities[name].get("_fields", {}).get("backend_type")
        return f"{CAPABILITIES}:{line}" if line else CAPABILITIES
    if name in tree.create_backend_branches:
        return f"{CREATE_BACKEND}:{tree.create_backend_branches[name][0]}"
    return None


def build_plan(spec: Spec, source: MassGenSource) -> Plan:
    root = source.package_dir.parent
    tree = Tree(source)
    files = render.new_files(spec)
    backend_rel = f"massgen/backend/{spec.name}.py"
    ours = (root / backend_rel).is_file() and (root / backend_rel).read_text(encoding="utf-8") == files[backend_rel]
    where = registered_at(tree, spec.name)
    if where and not ours:
        raise GuideError(f"NAME {spec.name}: already a registered backend type ({where})")
    changes: list[Change] = []
    for rel, text in files.items():
        path = root / rel
        if path.exists():
            current = path.read_text(encoding="utf-8")
            if current != text:
                raise GuideError(f"{rel} already exists with other content; move it away (or delete it) and run again")
            changes.append(Change(rel, text, text, [(f"new file {rel.rsplit('/', 1)[-1]}", "already there")]))
        else:
            changes.append(Change(rel, None, text, [(f"new file {rel.rsplit('/', 1)[-1]}", "added")]))
    for edit in _edits(spec, tree, root, files[backend_rel]):
        changes.append(Change(edit.rel, edit.text, edit.result(), edit.sites))
    return Plan(spec, root, changes)


def _read(root: Path, rel: str) -> edits.TextEdit:
    path = root / rel
    try:
        return edits.TextEdit(rel, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GuideError(f"{rel} does not exist in {root}; is this a MassGen tree of 0.1.97's layout?") from None


def _edits(spec: Spec, tree: Tree, root: Path, backend: str) -> list[edits.TextEdit]:
    """The edits of existing files; `backend` is the new backend module's text."""
    opened: dict[str, edits.TextEdit] = {}

    def get(rel: str) -> edits.TextEdit:
        if rel not in opened:
            opened[rel] = _read(root, rel)
        return opened[rel]

    edits.add_export(get(BACKENDS_INIT), spec.name, f"{spec.cls}Backend", f"export {spec.cls}Backend")
    for f in spec.kind.files:
        if f.get("export"):
            module = spec.fill(f["to"]).rsplit("/", 1)[-1][:-3]
            cls = spec.fill(f["class"])
            edits.add_export(get(f["export"]), module, cls, f"export {cls}")
        if f.get("listed_in_test"):
            cls = spec.fill(f["class"])
            module_path = spec.fill(f["to"])[:-3].replace("/", ".")
            edit = get(EXCLUSION_TEST)
            edits.add_test_import(edit, module_path, cls)
            edits.add_site_element(edit, "<module>", "ALL_HANDLER_CLASSES", cls, cls, f"ALL_HANDLER_CLASSES gets {cls}")
    edits.add_create_backend_branch(get(CREATE_BACKEND), spec.name, render.branch_text(spec),
                                    f'create_backend branch "{spec.name}"')
    cap = get(CAPABILITIES)
    edits.add_dict_entry(cap, "<module>", "BACKEND_CAPABILITIES", spec.name,
                         render.capabilities_entry(spec, edits.dict_indent(cap, "<module>", "BACKEND_CAPABILITIES")),
                         f'BACKEND_CAPABILITIES["{spec.name}"]')
    _display_name(spec, tree, backend, get)
    _listing_sites(spec, tree, get)
    _folder_sites(spec, get)
    _agent_framework(spec, get)
    if spec.prices:
        price = get(PRICING)
        scope = "<module>"  # the class holding it (TokenCostCalculator in 0.1.97) is found by walking the module
        edits.add_dict_entry(price, scope, "PROVIDER_PRICING", render.pricing_key(spec),
                             render.pricing_entry(spec, edits.dict_indent(price, scope, "PROVIDER_PRICING")),
                             f'PROVIDER_PRICING["{render.pricing_key(spec)}"]')
    return list(opened.values())


def _listing_sites(spec: Spec, tree: Tree, get) -> None:  # type: ignore[no-untyped-def]
    """Every listing site whose `requires` applies to the kind (data/listing_sites.yaml), via data/scaffold.yaml."""
    data = scaffold_data()
    for key, explained in listing_data().sites.items():
        if explained.requires not in spec.kind.requires:
            continue
        path, scope, what = key.split("::", 2)
        if key not in data.site_elements:
            raise GuideError(f"listing site {key} requires {explained.requires!r} backends, but "
                             f"massgen_guide/data/scaffold.yaml has no `element:` for it")
        element = spec.fill(data.site_elements[key])
        first = element.strip("()").split(",")[0].strip().strip('"')
        edits.add_site_element(get(path), scope, what, element, first, f"{what} ({explained.requires} site)")


def _folder_sites(spec: Spec, get) -> None:  # type: ignore[no-untyped-def]
    """The workspace-folder sets of data/scaffold.yaml (`folder_sites:`), for a kind that writes a workspace folder."""
    if not spec.kind.workspace_folder:
        return
    folder = spec.fill(spec.kind.workspace_folder)
    for key, site in scaffold_data().folder_sites.items():
        path, scope, what = key.split("::", 2)
        element = site["element"].replace("{folder}", folder)
        edits.add_site_element(get(path), scope, what, element, folder, f"{what} gets {folder}")


def _display_name(spec: Spec, tree: Tree, backend: str, get) -> None:  # type: ignore[no-untyped-def]
    """A backend whose get_provider_name returns a display name that normalize_backend_type would not turn back into
    its type gets a _DISPLAY_NAME_TO_BACKEND_TYPE entry (the checklist point provider-name-normalizes); a name that
    is another type's is refused."""
    returned = _provider_name_returned(backend)
    if returned is None:
        return
    lowered = returned.strip().lower()
    cap = get(CAPABILITIES)
    table = display_names(cap.module)
    normalized, rule = normalized_type(returned, {*tree.capabilities, spec.name}, table[0] if table else {})
    if rule == NO_RULE:
        edits.add_site_element(cap, "<module>", DISPLAY_NAMES, f'"{lowered}": "{spec.name}"', lowered,
                               f'{DISPLAY_NAMES}["{lowered}"]')
    elif normalized != spec.name:  # an entry would also take that type's own name away from it
        how = {KEY: "a BACKEND_CAPABILITIES key", UNDERSCORED: "spaces and hyphens as underscores"}
        raise GuideError(f"--provider-name {returned!r}: " + (
            f"{DISPLAY_NAMES} maps {lowered!r} to {normalized!r}" if rule == TABLE
            else f"MassGen would read it as the type {normalized!r} ({how[rule]})") + "; choose another name")
    elif rule == TABLE:
        cap.sites.append((f'{DISPLAY_NAMES}["{lowered}"]', "already there"))


def _provider_name_returned(backend: str) -> str | None:
    """The string the new backend module's get_provider_name returns (None: it returns something else)."""
    for node in ast.walk(ast.parse(backend)):
        if isinstance(node, ast.FunctionDef) and node.name == "get_provider_name":
            returns = [ret.value for ret in own_returns(node)]
            if len(returns) == 1 and isinstance(returns[0], ast.Constant) and isinstance(returns[0].value, str):
                return returns[0].value
    return None


AGENT_FRAMEWORK_POINT = "agent-framework-backends"


def _agent_framework(spec: Spec, get) -> None:  # type: ignore[no-untyped-def]
    """A wrapper kind (`agent_framework: true` in data/scaffold.yaml) goes into the set its checklist point names,
    and into the set the point's test pins it to, in one change: the test fails until both list the type."""
    if not spec.kind.agent_framework:
        return
    key = next(key for key, site in listing_data().sites.items() if site.point == AGENT_FRAMEWORK_POINT)
    path, scope, what = key.split("::", 2)
    element = spec.fill(scaffold_data().site_elements[key])
    edits.add_site_element(get(path), scope, what, element, spec.name, f"{what} gets {spec.name}")
    test_rel = next(p for p in load_checklist().points if p.id == AGENT_FRAMEWORK_POINT).check.param("test")
    try:
        test = get(test_rel)
    except GuideError:
        return  # no such test in this tree: nothing pins the set
    pin = framework_pin_in(test.module)
    label = f"the set the capabilities test pins {what} to gets {spec.name}"
    if pin is None:
        return
    if pin.literal is None:
        raise GuideError(f"{test_rel}:{pin.line}: {what} is pinned to something other than a set literal; add "
                         f'"{spec.name}" there by hand')
    if spec.name in pin.values:
        test.sites.append((label, "already there"))
    else:
        edits.add_element(test, pin.literal, element, label)


# ---------------------------------------------------------------------------------------------- writing
def dirty_files(root: Path, rels: list[str]) -> list[str]:
    """The files among `rels` with uncommitted changes, when `root` is in a git work tree (else none)."""
    if not rels:
        return []
    try:
        done = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", *rels],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:  # not a git work tree
        return []
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def write(plan: Plan, *, force: bool) -> None:
    """Write every change or none (a failure part-way restores what was already written)."""
    todo = [c for c in plan.changes if c.changed]
    if not force:
        dirty = dirty_files(plan.root, [c.rel for c in todo if c.old is not None])
        if dirty:
            raise GuideError(f"{dirty[0]} has uncommitted changes; commit or stash them, or pass --force")
    for change in todo:
        path = plan.root / change.rel
        target = path if path.exists() else _first_existing_parent(path)
        if not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222:  # root passes os.access
            raise GuideError(f"{change.rel}: read-only ({target} is not writable); nothing written")
    written: list[tuple[Path, str | None]] = []
    try:
        for change in todo:
            path = plan.root / change.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".massgen-guide-new")
            tmp.write_text(change.new, encoding="utf-8")
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            written.append((path, change.old))
            os.replace(tmp, path)
    except OSError as exc:
        for path, old in reversed(written):
            path.with_name(path.name + ".massgen-guide-new").unlink(missing_ok=True)
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(old, encoding="utf-8")
        raise GuideError(f"could not write {exc.filename or ''}: {exc.strerror or exc}; nothing written") from None


def _first_existing_parent(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path
