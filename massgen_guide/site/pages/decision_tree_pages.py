"""Page generators: decision trees.

`<!-- guide:decision-tree id=base-class -->` renders one tree (the question-by-question widget, then the
diagram); `id=all` renders every tree in the data file, each under its own `##` heading with its intro.
Options: `widget=no`, `diagram=no`, `intro=yes`.
"""

from __future__ import annotations

from massgen_guide.errors import GuideError
from massgen_guide.site.decision_trees import cached_trees, get_tree, render_tree
from massgen_guide.site.directives import DirectiveCall, generator


def _flag(call: DirectiveCall, key: str, default: bool) -> bool:
    value = call.arg(key, "yes" if default else "no").lower()
    if value not in {"yes", "no"}:
        raise GuideError(f"{key}= must be yes or no, not {value!r}")
    return value == "yes"


@generator("decision-tree")
def decision_tree(call: DirectiveCall) -> str:
    tree_id = call.arg("id")
    unknown = sorted(set(call.args) - {"id", "widget", "diagram", "intro"})
    if unknown:
        raise GuideError(f"unknown argument(s) {', '.join(unknown)} (known: id, widget, diagram, intro)")
    widget = _flag(call, "widget", True)
    diagram = _flag(call, "diagram", True)
    trees = cached_trees()
    if tree_id == "all":
        intro = _flag(call, "intro", True)
        return "\n".join(render_tree(tree, call.page, widget=widget, diagram=diagram, intro=intro, heading="##")
                         for tree in trees)
    intro = _flag(call, "intro", False)
    return render_tree(get_tree(tree_id, trees), call.page, widget=widget, diagram=diagram, intro=intro)
