"""Reading the guide's own data files (`massgen_guide/data/*.yaml`): bad data is one line naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from massgen_guide.errors import GuideError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (about ten times faster than the pure-Python one), else PyYAML's."""


def load_yaml(text: str) -> Any:
    """Safe-load YAML text with the fastest safe loader available."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader


def data_name(path: Path) -> str:
    """How messages name a data file: `massgen_guide/data/<name>`."""
    return f"massgen_guide/data/{path.name}"


def read_yaml(path: Path) -> dict[str, Any]:
    """A data file's mapping; a missing file, invalid YAML or another shape is a `GuideError`."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GuideError(f"{data_name(path)} is missing") from None
    except yaml.YAMLError as exc:
        raise GuideError(f"{data_name(path)} is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise GuideError(f"{data_name(path)} must be a mapping")
    return data
