"""The new files and inserted blocks, rendered from the worked examples in `snippets/` and the test templates.

One source of truth: a backend module is the example file with its `# --8<--` section markers and `# (1)!`
annotation markers stripped, the kind's `rewrites:` applied, and the example's names replaced by the new ones.
"""

from __future__ import annotations

import re

from massgen_guide.facts.scaffold_data import scaffold_data
from massgen_guide.scaffold.spec import SNIPPETS, TEMPLATES, Spec

SECTION_MARKER = re.compile(r"^[ \t]*# --8<-- \[(?:start|end):[\w-]+\][ \t]*\n", re.MULTILINE)
ANNOTATION = re.compile(r"[ \t]+# \(\d+\)!(?=[ \t]*$)", re.MULTILINE)


def strip_markers(text: str) -> str:
    """The example as a reader of the file would write it: no section markers, no annotation markers."""
    return ANNOTATION.sub("", SECTION_MARKER.sub("", text))


def substitute_names(text: str, names: dict[str, str], spec: Spec) -> str:
    """Replace each spelling of the example's name (longest first) by the new name's spelling."""
    ordered = sorted(names, key=len, reverse=True)
    tokens = {old: f"\x00{i}\x00" for i, old in enumerate(ordered)}  # two-step, so a new name never gets replaced
    for old in ordered:
        text = text.replace(old, tokens[old])
    for old in ordered:
        text = text.replace(tokens[old], spec.fill(names[old]))
    return text


def render_snippet(file_name: str, spec: Spec) -> str:
    kind = spec.kind
    text = strip_markers((SNIPPETS / file_name).read_text(encoding="utf-8"))
    # the rewrites' new text holds the new names already: kept out of the name substitution (nimbus_v2's formatter
    # import would become _nimbus_v2_v2_formatter, acme_fake's fake CLI fake_acme_acme_fake.py)
    rewrites = list(kind.rewrites.items())
    for i, (old, _) in enumerate(rewrites):
        text = text.replace(old, f"\x01{i}\x01")
    text = substitute_names(text, kind.names, spec)
    for i, (_, new) in enumerate(rewrites):
        text = text.replace(f"\x01{i}\x01", spec.fill(new))
    if kind.default_base_url and spec.base_url:
        text = text.replace(kind.default_base_url.replace("{name}", spec.name), spec.base_url)
    return text


def section(file_name: str, name: str) -> str:
    """One `# --8<-- [start:name]` ... `[end:name]` section of a snippet file, markers excluded."""
    text = (SNIPPETS / file_name).read_text(encoding="utf-8")
    match = re.search(rf"^[ \t]*# --8<-- \[start:{re.escape(name)}\][ \t]*\n(.*?)^[ \t]*# --8<-- \[end:{re.escape(name)}\]",
                      text, re.MULTILINE | re.DOTALL)
    if not match:
        raise ValueError(f"snippets/{file_name} has no section {name!r}")
    return match.group(1)


def branch_text(spec: Spec) -> str:
    """The `elif backend_type == NAME:` branch of `create_backend` (4-space indented), ending with a blank line."""
    kind = spec.kind
    import_line = f"        from ..backend.{spec.name} import {spec.cls}Backend\n\n"
    if kind.branch:
        body = strip_markers(section(kind.branch["snippet"], kind.branch["section"]))
        names = kind.branch.get("from_names") or kind.names
        body = substitute_names(body, names, spec)
        default = (kind.default_base_url or "").replace("{name}", spec.name)
        if spec.base_url and default:
            body = body.replace(default, spec.base_url)
        if spec.env_var:
            body = body.replace(f"{spec.name.upper()}_API_KEY", spec.env_var)
        if '_api_key_error_message("' in body:
            body = re.sub(r'_api_key_error_message\("[^"]*"', f'_api_key_error_message("{spec.provider}"', body)
        first, rest = body.split("\n", 1)
        return f"{first}\n{import_line}{rest}\n"
    return f'    elif backend_type == "{spec.name}":\n{import_line}        return {spec.cls}Backend(**kwargs)\n\n'


def capabilities_entry(spec: Spec, indent: str = "    ") -> str:
    kind = spec.kind
    caps = ", ".join(f'"{c}"' for c in sorted(kind.capabilities))
    models = ", ".join(f'"{m}"' for m in spec.models)
    lines = [
        f'"{spec.name}": BackendCapabilities(',
        f'    backend_type="{spec.name}",',
        f'    provider_name="{spec.provider}",',
        f"    supported_capabilities={{{caps}}}," if caps else "    supported_capabilities=set(),",
        "    builtin_tools=[],",
        f'    filesystem_support="{kind.filesystem_support}",',
        f"    models=[{models}],",
        f'    default_model="{spec.models[0]}",',
        f'    env_var="{spec.env_var}",' if spec.env_var else "    env_var=None,",
        f'    notes="{kind.notes}",',
    ]
    if spec.base_url:
        lines.append(f'    base_url="{spec.base_url}",')
    lines.append("),")
    return "".join(indent + line + "\n" for line in lines)


def pricing_key(spec: Spec) -> str:
    """The key of PROVIDER_PRICING: the provider name the backend's get_provider_name returns."""
    return spec.fill(spec.kind.pricing_key)


def pricing_entry(spec: Spec, indent: str) -> str:
    lines = [f'"{pricing_key(spec)}": {{']
    for model, (inp, out) in spec.prices.items():
        lines.append(f'    "{model}": ModelPricing({_per_1k(inp)}, {_per_1k(out)}),  # ${_usd(inp)}/MTok input, ${_usd(out)}/MTok output')
    lines.append("},")
    return "".join(indent + line + "\n" for line in lines)


def _per_1k(per_million: float) -> str:
    return repr(round(per_million / 1000, 12))


def _usd(value: float) -> str:
    return f"{value:g}"


def config_path(spec: Spec) -> str:
    return f"{spec.fill(scaffold_data().config_folder)}/{spec.name}_single_agent.yaml"


def config_text(spec: Spec) -> str:
    command = f'massgen --config {config_path(spec)} "Say hello"'
    key = f"\n# Needs {spec.env_var} in the environment (or api_key: under backend)." if spec.env_var else ""
    if spec.env_var and not spec.kind.api_key:  # a wrapper: the CLI (a child process) or SDK reads the variable
        key = f"\n# The {'CLI' if spec.kind.id == 'cli-wrapper' else 'SDK'} reads {spec.env_var} from the environment."
    return (f"# Usage: {command}{key}\n"
            "agent:\n"
            f'  id: "{spec.name}_agent"\n'
            "  backend:\n"
            f'    type: "{spec.name}"\n'
            f'    model: "{spec.models[0]}"\n'
            + "".join(f"    {option}: {value}\n" for option, value in spec.kind.config_backend.items()) +
            '  system_message: "You are a helpful assistant"\n'
            "\n"
            "ui:\n"
            '  display_type: "textual_terminal"\n'
            "  logging_enabled: true\n")


def test_text(spec: Spec) -> str:
    text = (TEMPLATES / spec.kind.test).read_text(encoding="utf-8")
    text = text.replace("__FAKE_SERVER__", (TEMPLATES / "_fake_server.py").read_text(encoding="utf-8").rstrip("\n"))
    values = {"{{name_cli}}": spec.fill("{name_cli}"), "{{name_sdk}}": spec.fill("{name_sdk}"),
              "{{name}}": spec.name, "{{Class}}": spec.cls, "{{ENV}}": spec.env_var or "",
              "{{env_var_is}}": f'== "{spec.env_var}"' if spec.env_var else "is None",
              "{{Provider}}": spec.provider, "{{model}}": spec.models[0], "{{base_url}}": spec.base_url or ""}
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def new_files(spec: Spec) -> dict[str, str]:
    """Repository path -> content of every file the scaffold creates."""
    files = {spec.fill(f["to"]): render_snippet(f["snippet"], spec) for f in spec.kind.files}
    files[config_path(spec)] = config_text(spec)
    files[f"massgen/tests/test_{spec.name}.py"] = test_text(spec)
    return files
