"""Which LiteLLM price map the audit reads: the audited tree's environment first, then the guide's copy; never
the LiteLLM beside the guide's own Python (so a light install prints what the full set-up prints)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from massgen_guide.facts.price_map import PRICE_FILE, SNAPSHOT, installed_litellm_snapshot

from .conftest import run_cli


def pricing_lines(checkout: Path) -> list[str]:
    lines = run_cli("good", "--massgen", str(checkout)).stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\S.* +pricing +Add pricing", line))
    return [line.strip() for line in lines[start:start + 4]]


def test_the_guides_copy_is_the_locked_litellms_price_map() -> None:
    assert importlib.util.find_spec("litellm") is not None  # the full set-up installs the lock's LiteLLM
    shipped = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert shipped == installed_litellm_snapshot(), (
        "massgen_guide/data/litellm_models.json is not the installed LiteLLM's price map: "
        "run `.venv/bin/python -m massgen_guide.facts.price_map`")


def test_without_litellm_beside_the_tree_the_guides_copy_is_read(fake_massgen: Path) -> None:
    version = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["litellm"]
    lines = pricing_lines(fake_massgen)
    assert re.match(r"PASS +pricing ", lines[0])
    assert lines[2] == (f"'fake-model-zz-1' is not in LiteLLM's price map (the guide's copy of LiteLLM {version}'s "
                        f"{PRICE_FILE})")


def test_the_litellm_of_the_checkouts_venv_comes_first(fake_massgen: Path) -> None:
    litellm = fake_massgen / ".venv/lib/python3.11/site-packages/litellm"
    litellm.mkdir(parents=True)
    (litellm / PRICE_FILE).write_text(json.dumps({"good/fake-model-zz-1": {}}), encoding="utf-8")
    lines = pricing_lines(fake_massgen)
    assert re.match(r"N/A +pricing ", lines[0])
    assert lines[1] == f"LiteLLM prices 'fake-model-zz-1' (litellm/{PRICE_FILE})"
