"""Facts stated on several pages, rendered from one data source: `[[fact: NAME key=value ...]]`.

A page writes the fact's name; the build renders the value from the guide's data, so every page states it the same
way:

    [[fact: api-key-form env=ACME_API_KEY]]   `api_key = kwargs.pop("api_key", None) or os.getenv("ACME_API_KEY")`
                                              (data/scaffold.yaml `api_key_form`)
    [[fact: example-configs]]                 `massgen/configs/providers/<family>/` (the checklist point
                                              `example-configs`, data/checklist.yaml)
    [[fact: config-validator]]                what the config validator needs (the purpose of the checklist point
                                              `config-validation`)
    [[fact: kind-files kind=KIND]]            the new files `massgen-guide new --kind KIND` writes (data/scaffold.yaml)
    [[fact: scaffold-config]]                 the one example config `massgen-guide new` writes (data/scaffold.yaml
                                              `config_folder`)

An unknown NAME or a missing argument fails the build at page:line. `contradictions` finds a page that states one of
these facts in other words: an API-key line in inline code that differs from the data's form.
"""

from __future__ import annotations

import re
import shlex

FACT_RE = re.compile(r"\[\[fact:\s*(?P<body>[^\]]*?)\s*\]\]")
FACT_START_RE = re.compile(r"\[\[\s*fact\b", re.IGNORECASE)
API_KEY_LINE_RE = re.compile(r"api_key\s*=\s*kwargs\.(?:get|pop)\(.*?\bos\.getenv\(\s*[\"'](?P<env>\w+)[\"']\s*\)")


def _api_key_form(args: dict[str, str]) -> str:
    import yaml

    from massgen_guide.facts.scaffold_data import DATA_FILE

    form = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["api_key_form"]
    return f"`api_key = {form.replace('{ENV}', args['env'])}`"


def _checklist_point(point_id: str):
    from massgen_guide.facts.checklist import load_checklist

    return next(p for p in load_checklist().points if p.id == point_id)


def _kind_files(args: dict[str, str]) -> str:
    from massgen_guide.facts.scaffold_data import scaffold_data

    data = scaffold_data()
    kind = data.kinds.get(args["kind"])
    if kind is None:
        raise KeyError(f"kind={args['kind']!r} (kinds: {', '.join(sorted(data.kinds))})")
    files = [f["to"] for f in kind.files] + [data.config_folder + "/{name}_single_agent.yaml"]
    return ", ".join(f"`{f}`".replace("{name}", "<name>") for f in files)


def _scaffold_config() -> str:
    from massgen_guide.facts.scaffold_data import scaffold_data

    path = scaffold_data().config_folder + "/{name}_single_agent.yaml"
    return f"`{path}`".replace("{name}", "<name>")


FACTS = {
    "api-key-form": (("env",), _api_key_form),
    "example-configs": ((), lambda args: f"`{_checklist_point('example-configs').file}`"),
    "config-validator": ((), lambda args: _checklist_point("config-validation").purpose.rstrip(".")),
    "kind-files": (("kind",), _kind_files),
    "scaffold-config": ((), lambda args: _scaffold_config()),
}


def parse_fact(body: str) -> tuple[str, dict[str, str]]:
    parts = shlex.split(body)
    if not parts:
        raise ValueError("empty fact")
    args = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"argument {part!r} is not key=value")
        args[key] = value
    return parts[0], args


def render_fact(body: str) -> str:
    """The fact's text; raises ValueError/KeyError with a one-line reason when it cannot be rendered."""
    name, args = parse_fact(body)
    if name not in FACTS:
        raise KeyError(f"unknown fact {name!r} (facts: {', '.join(sorted(FACTS))})")
    required, render = FACTS[name]
    missing = [key for key in required if key not in args]
    if missing:
        raise KeyError(f"fact {name} needs {', '.join(k + '=' for k in missing)}")
    return render(args)


def contradictions(code_spans: list[str]) -> list[tuple[str, str]]:
    """(span, the data's form) for every inline API-key line that is not the data's form."""
    out = []
    for span in code_spans:
        match = API_KEY_LINE_RE.search(span)
        if match:
            wanted = _api_key_form({"env": match["env"]}).strip("`")
            if " ".join(span.split()) != wanted:
                out.append((span, wanted))
    return out
