"""The `massgen-guide` process (massgen_guide/cli.py: `run`): it ends without the interpreter's tear-down, after
running the exit handlers and flushing its output, with the command's exit code."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import atexit, sys
atexit.register(lambda: print("an exit handler ran"))
sys.argv = ["massgen-guide", *sys.argv[1:]]
print("buffered before the command", end="; ")  # stdout is a pipe: block-buffered, flushed by `run`
from massgen_guide.cli import run
run()
"""


def massgen_guide(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120)


def test_the_output_and_the_exit_handlers_are_kept_and_the_code_is_the_commands() -> None:
    done = massgen_guide("audit", "claude", "--format", "json")
    assert done.returncode in (0, 1), done.stderr  # (0: every required point holds; 1: the audit found some)
    assert done.stdout.startswith("buffered before the command; {")
    assert done.stdout.rstrip().endswith("}\nan exit handler ran")


def test_bad_input_is_one_line_and_exit_2() -> None:
    done = massgen_guide("audit", "no-such-type")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("massgen-guide: error: unknown backend type")
    assert done.stdout == "buffered before the command; an exit handler ran\n"


FULL_DISK = """
import io, sys
class FullDisk(io.StringIO):  # holds what is written; the final flush fails as on a full disk
    def flush(self):
        raise OSError(28, "No space left on device")
sys.stdout = FullDisk()
sys.argv = ["massgen-guide", "skill", "--check"]  # one short line, exit 0 when the skill file is up to date
from massgen_guide.cli import run
run()
"""


def test_output_that_cannot_be_written_is_exit_120_not_0() -> None:
    shown = subprocess.run([sys.executable, "-c", SCRIPT, "skill", "--check"], capture_output=True, text=True,
                           timeout=120)
    assert shown.returncode == 0 and "up to date" in shown.stdout, shown.stderr  # (what the command does)
    written = subprocess.run([sys.executable, "-c", FULL_DISK], capture_output=True, text=True, timeout=120)
    assert written.returncode == 120, written.stderr[-2000:]
