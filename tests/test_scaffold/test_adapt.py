"""`new` lists the `# ADAPT:` markers of the files it creates: the spots that encode the example's wire format or
CLI/SDK protocol, found in the rendered files (so the list follows the worked examples and the test templates)."""

from __future__ import annotations

import re

from massgen_guide.scaffold import render
from massgen_guide.scaffold.spec import build_spec

from .conftest import run_new

SDK_WRAPPER_PLACES = [
    "Adapt for your provider (9 places):",
    "  massgen/backend/acme.py:20: import your vendor's SDK here instead of the offline fake",
    "  massgen/backend/acme.py:44: how your SDK's client is made (credentials, options)",
    "  massgen/backend/acme.py:99: how your SDK opens a session (system prompt, tools)",
    "  massgen/backend/acme.py:132: how your SDK delivers events (a callback here)",
    "  massgen/backend/acme.py:151: your SDK's end-of-turn, error and usage events and fields",
    "  massgen/backend/acme.py:189: your SDK's event names and payload fields",
    "  massgen/tests/fake_acme_sdk.py:36: your SDK's event names, so the tests exercise the real mapping",
    "  massgen/tests/fake_acme_sdk.py:172: your SDK's usage event and its field names",
    "  massgen/tests/test_acme.py:56: fault and scenario are options of the example's fake SDK",
]


def places_block(out: str) -> list[str]:
    """The heading line and the indented lines under it."""
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Adapt for your provider (")]
    assert len(starts) == 1, f"expected one 'Adapt for your provider' heading in:\n{out}"
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def test_dry_run_lists_the_adapt_markers_of_an_sdk_wrapper(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    result = run_new(capsys, "acme", "--kind", "sdk-wrapper")
    assert (result.code, result.err) == (0, "")
    assert places_block(result.out) == SDK_WRAPPER_PLACES
    _, _, summary = result.out.partition("\nDry run: nothing written. Sites:\n")
    assert summary.index("Adapt for your provider") < summary.index("Run again with --write")


def test_each_custom_api_place_points_at_its_marker(capsys, monkeypatch) -> None:
    """Line numbers of the custom-API example move with its edits: each listed line is checked in the rendered file."""
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    result = run_new(capsys, "acme", "--kind", "custom-api")
    block = places_block(result.out)
    assert block[0] == f"Adapt for your provider ({len(block) - 1} places):"
    files = render.new_files(build_spec("acme", "custom-api"))
    seen: dict[str, int] = {}
    for line in block[1:]:
        rel, number, text = re.fullmatch(r"  (\S+):(\d+): (.+)", line).groups()
        assert files[rel].splitlines()[int(number) - 1].strip() == f"# ADAPT: {text}"
        seen[rel] = seen.get(rel, 0) + 1
    assert seen == {"massgen/backend/acme.py": 5, "massgen/formatter/_acme_formatter.py": 6,
                    "massgen/api_params_handler/_acme_api_params_handler.py": 3, "massgen/tests/test_acme.py": 4}
    assert sum(text.count("# ADAPT:") for text in files.values()) == len(block) - 1


def test_a_marker_planted_in_a_rendered_file_is_listed(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    rendered = render.new_files

    def planted(spec):  # type: ignore[no-untyped-def]
        files = rendered(spec)
        rel = "massgen/tests/fake_acme_sdk.py"
        files[rel] = files[rel] + "    # ADAPT: a planted spot\n"
        return files

    monkeypatch.setattr(render, "new_files", planted)
    block = places_block(run_new(capsys, "acme", "--kind", "sdk-wrapper").out)
    last = len(planted(build_spec("acme", "sdk-wrapper"))["massgen/tests/fake_acme_sdk.py"].splitlines())
    assert block[0] == "Adapt for your provider (10 places):"
    assert block[1:] == [*SDK_WRAPPER_PLACES[1:9], f"  massgen/tests/fake_acme_sdk.py:{last}: a planted spot",
                         SDK_WRAPPER_PLACES[9]]
