"""mkdocstrings' Python handler: the build imports it without pydantic
(`build_facts.import_python_handler_unvalidated`), so the options in mkdocs.yml and on the `:::` blocks are checked
here, with pydantic, as the handler would check them.

Each check runs in a fresh interpreter: a test worker may already hold the handler imported either way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from massgen_guide.checks.api_blocks import api_blocks
from massgen_guide.site_urls import read_config

ROOT = Path(__file__).resolve().parent.parent

VALIDATE = """
import json, sys
from mkdocstrings_handlers.python._internal import config
assert config.dataclass.__module__ == "pydantic.dataclasses", config.dataclass.__module__
problems = []
for where, options in json.loads(sys.stdin.read()):
    try:
        config.PythonOptions.from_data(**options)
    except Exception as exc:  # pydantic's ValidationError
        problems.append(where + ": " + " ".join(str(exc).split())[:300])
print(json.dumps(problems))
"""


def handler_options(root: Path = ROOT) -> list[tuple[str, dict]]:
    """mkdocs.yml's Python handler options, then each `:::` block's options merged over them."""
    plugins = read_config(root)["plugins"]
    plugin = next(p["mkdocstrings"] for p in plugins if isinstance(p, dict) and "mkdocstrings" in p)
    base = plugin["handlers"]["python"]["options"]
    found = [("mkdocs.yml", base)]
    for page in sorted((root / "docs").rglob("*.md")):
        for block in api_blocks(page.read_text(encoding="utf-8")):
            if block.options:
                found.append((f"{page.relative_to(root).as_posix()}:{block.line}", {**base, **block.options}))
    return found


def validate(options: list[tuple[str, dict]]) -> list[str]:
    result = subprocess.run([sys.executable, "-c", VALIDATE], input=json.dumps(options), capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_the_guides_handler_options_hold_under_pydantic() -> None:
    options = handler_options()
    assert options[0][0] == "mkdocs.yml" and options[0][1]["docstring_style"] == "google"
    assert validate(options) == []


def test_a_wrong_option_is_caught_by_pydantic() -> None:
    (where, base), *_ = handler_options()
    problems = validate([(where, {**base, "show_source": "maybe"})])
    assert len(problems) == 1 and problems[0].startswith("mkdocs.yml: 1 validation error for PythonOptions show_source")


CHECK_IMPORT = """
import sys
import mkdocstrings  # as loading a config that uses the plugin does
{before}
from massgen_guide.site import hooks
hooks.on_startup("build", False)
from mkdocstrings_handlers.python._internal import config
print(config.dataclass.__module__, "pydantic" in sys.modules, {after})
"""


def _startup(before: str = "", after: str = "None") -> str:
    code = CHECK_IMPORT.format(before=before, after=after)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_the_build_imports_the_handler_without_pydantic() -> None:
    assert _startup() == "dataclasses False None"


def test_an_imported_pydantic_is_put_back() -> None:
    assert _startup("import pydantic; kept = pydantic", "sys.modules['pydantic'] is kept") == "dataclasses True True"


def test_a_handler_imported_before_is_left_as_it_is() -> None:
    assert _startup("import mkdocstrings_handlers.python") == "pydantic.dataclasses True None"


def test_a_build_without_mkdocstrings_does_not_import_the_handler() -> None:
    code = ("import sys\nfrom massgen_guide.site import hooks\nhooks.on_startup('build', False)\n"
            "print('mkdocstrings_handlers.python' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "False", result.stderr[-2000:]
