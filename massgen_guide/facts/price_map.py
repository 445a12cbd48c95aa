"""LiteLLM's local price map (its model names), for the audit's "is the default model priced by LiteLLM?" condition.

The map read belongs to the audited tree, never to the Python running the guide, so the light install (no LiteLLM)
and the full set-up print the same audit. In this order:

1. LiteLLM installed beside the tree's `massgen` package (an installed MassGen's site-packages);
2. LiteLLM in the checkout's own virtualenv (`.venv/` or `venv/` at the checkout's root);
3. the model names of the LiteLLM release this guide's lock pins beside MassGen, shipped with the guide
   (`massgen_guide/data/litellm_models.json`; a test keeps it equal to that release's map).

`python -m massgen_guide.facts.price_map` rewrites the shipped copy from the LiteLLM installed in the guide's venv.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from massgen_guide.paths import DATA_DIR
from massgen_guide.source.selection import MassGenSource

PRICE_FILE = "model_prices_and_context_window_backup.json"
SNAPSHOT = DATA_DIR / "litellm_models.json"
VENV_FOLDERS = (".venv", "venv")


@dataclass(frozen=True)
class PriceMap:
    """The model names LiteLLM prices, and how to name where they were read."""

    models: frozenset[str]
    label: str

    def prices(self, model: str) -> bool:
        return model in self.models or any(name.endswith("/" + model) for name in self.models)


def read_models(price_file: Path) -> frozenset[str] | None:
    try:
        data = json.loads(price_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return frozenset(data) if isinstance(data, dict) else None


def litellm_folders_of(source: MassGenSource) -> list[Path]:
    """Where the tree's own environment would hold LiteLLM: beside the package, then in the checkout's venv."""
    folders = [source.search_path / "litellm"]
    root = source.repo_root or source.search_path
    for venv in VENV_FOLDERS:
        folders += sorted((root / venv / "lib").glob("python3*/site-packages/litellm"))
    return folders


def tree_price_map(source: MassGenSource) -> PriceMap | None:
    """LiteLLM's price map from the audited tree's environment, if it has one."""
    for folder in litellm_folders_of(source):
        models = read_models(folder / PRICE_FILE)
        if models is not None:
            return PriceMap(models, f"litellm/{PRICE_FILE}")
    return None


def shipped_price_map(snapshot: Path = SNAPSHOT) -> PriceMap | None:
    """The model names of the LiteLLM release the guide's lock pins, shipped with the guide."""
    try:
        data = json.loads(snapshot.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return PriceMap(frozenset(data["models"]), f"the guide's copy of LiteLLM {data['litellm']}'s {PRICE_FILE}")


def price_map_for(source: MassGenSource) -> PriceMap | None:
    """The price map the audit reads for a tree (see the module's docstring for the order)."""
    return tree_price_map(source) or shipped_price_map()


def installed_litellm_snapshot() -> dict[str, object]:
    """The shipped file's content, made from the LiteLLM installed beside the guide (its full set-up)."""
    import importlib.util

    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("price_map: LiteLLM is not installed here; run this in the full set-up (python3 dev.py build)")
    models = read_models(Path(list(spec.submodule_search_locations)[0]) / PRICE_FILE)
    if models is None:
        raise SystemExit(f"price_map: LiteLLM's {PRICE_FILE} cannot be read")
    return {"litellm": importlib.metadata.version("litellm"), "models": sorted(models)}


def write_snapshot(snapshot: Path = SNAPSHOT) -> None:
    data = installed_litellm_snapshot()
    snapshot.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {snapshot} (LiteLLM {data['litellm']}, {len(data['models'])} models)", file=sys.stderr)  # type: ignore[arg-type]


if __name__ == "__main__":
    write_snapshot()
