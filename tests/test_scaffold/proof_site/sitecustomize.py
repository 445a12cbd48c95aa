"""Loaded at start-up by every Python process of the scaffold proof: test_kinds.py puts this folder on the
PYTHONPATH of MassGen's interpreter (massgen_runner.py), and the processes that interpreter starts inherit it
(the fake CLIs, MassGen's MCP servers: its workflow server and its `command_line` server).

- The suite's hermetic guard (tests/hermetic_guard.py): in each of those processes only 127.0.0.1 can be reached
  and no other name is looked up, not only in the interpreter that runs the tests.
- The cyclic garbage collector off: these processes live for seconds and spend most of them importing (MassGen's
  `command_line` server imports all of MassGen), and the collector would spend about a quarter of that walking the
  growing heap. massgen_runner.py turns it back on once MassGen is imported.

Standard library only: MassGen's processes import nothing of the guide.
"""

import gc
import importlib.util
from pathlib import Path

gc.disable()


def _install_hermetic_guard() -> None:
    spec = importlib.util.spec_from_file_location("hermetic_guard", Path(__file__).parents[2] / "hermetic_guard.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    guard.install()


_install_hermetic_guard()
