"""What `massgen-guide new` writes for each kind of backend (`massgen_guide/data/scaffold.yaml`), as typed data.

The scaffolder writes from it; the pages state its facts from it (`[[fact: kind-files]]`, the API-key form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from massgen_guide.facts.data_files import load_yaml
from massgen_guide.paths import DATA_DIR

DATA_FILE = DATA_DIR / "scaffold.yaml"


@dataclass(frozen=True)
class Kind:
    id: str
    title: str
    requires: tuple[str, ...]
    api_key: bool
    capabilities: tuple[str, ...]
    filesystem_support: str
    notes: str
    names: dict[str, str]
    files: tuple[dict[str, Any], ...]
    rewrites: dict[str, str]
    branch: dict[str, Any] | None
    test: str
    default_base_url: str | None
    pricing_key: str
    workspace_folder: str | None = None
    """The folder the backend writes into its workspace (`{name}` filled), for the folder sites."""
    config_backend: dict[str, str] = field(default_factory=dict)
    """Extra keys of the example config's `backend:` block (the cli-wrapper's `cwd`)."""
    agent_framework: bool = False
    """Whether the type goes into AGENT_FRAMEWORK_BACKENDS and the set MassGen's capabilities test pins it to."""


@dataclass(frozen=True)
class ScaffoldData:
    config_folder: str
    site_elements: dict[str, str]
    kinds: dict[str, Kind]
    folder_sites: dict[str, dict[str, str]] = field(default_factory=dict)
    """Sets of workspace folder names (`path::scope::name`) -> element, what, why."""


@lru_cache(maxsize=1)
def scaffold_data() -> ScaffoldData:
    raw = load_yaml(DATA_FILE.read_text(encoding="utf-8"))
    kinds = {}
    for kid, k in raw["kinds"].items():
        kinds[kid] = Kind(kid, k["title"], tuple(k["requires"]), bool(k["api_key"]), tuple(k["capabilities"]),
                          k["filesystem_support"], k["notes"], dict(k["names"]), tuple(k["files"]),
                          dict(k.get("rewrites") or {}), k.get("branch"), k["test"], k.get("default_base_url"),
                          k.get("pricing_key", "{Provider}"), k.get("workspace_folder"),
                          dict(k.get("config_backend") or {}), bool(k.get("agent_framework", False)))
    elements = {key: v["element"] for key, v in (raw.get("sites") or {}).items()}
    return ScaffoldData(raw["config_folder"], elements, kinds, dict(raw.get("folder_sites") or {}))
