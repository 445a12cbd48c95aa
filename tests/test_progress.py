"""Progress of long commands goes to stderr, one line per step off a terminal, and nothing with --quiet."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from massgen_guide.progress import progress


def steps(quiet: bool = False) -> str:
    stream = io.StringIO()
    with progress(3, "releases", quiet=quiet, stream=stream) as step:
        for release in ("0.1.90", "0.1.95", "0.1.97"):
            step(f"massgen {release}")
    return stream.getvalue()


def test_one_line_per_step_off_a_terminal() -> None:
    assert steps().splitlines() == [
        "massgen-guide: releases 1/3: massgen 0.1.90",
        "massgen-guide: releases 2/3: massgen 0.1.95",
        "massgen-guide: releases 3/3: massgen 0.1.97",
    ]


def test_quiet_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert steps(quiet=True) == ""
    monkeypatch.setenv("MASSGEN_GUIDE_QUIET", "1")
    assert steps() == ""


def test_audit_all_shows_progress_on_stderr_and_quiet_silences_it(massgen_tree_for_progress: str) -> None:
    command = [sys.executable, "-m", "massgen_guide", "audit", "--all", "--massgen", massgen_tree_for_progress]
    shown = subprocess.run(command, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    lines = [line for line in shown.stderr.splitlines() if line.startswith("massgen-guide: auditing ")]
    total = len(lines)
    assert total > 1
    assert lines[0].startswith(f"massgen-guide: auditing 1/{total}: ")
    assert lines[-1].startswith(f"massgen-guide: auditing {total}/{total}: ")
    assert "auditing" not in shown.stdout  # the report itself stays alone on stdout
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert "auditing" not in quiet.stderr
    assert quiet.stdout == shown.stdout


@pytest.fixture(scope="module")
def massgen_tree_for_progress() -> str:
    from massgen_guide.source.selection import current_source

    return str(current_source().package_dir)
