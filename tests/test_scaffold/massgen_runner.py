"""Run pytest over several MassGen copies in ONE interpreter (run as a subprocess by MassGen's interpreter).

Importing MassGen and its dependencies costs 7 s of CPU (tens of seconds on a loaded 2-core machine). The copies
differ only in MassGen's own modules, so between copies this script forgets `massgen.*` and puts the next copy
first on sys.path: the third-party dependencies are imported once. Imports only pytest and the standard library
(MassGen comes from the copies).

    python massgen_runner.py ROOT::TEST_FILE[,TEST_FILE...] ...

Prints one line per copy: `RESULT <root> <pytest exit code>`.
"""

from __future__ import annotations

import sys

import pytest


def forget_massgen() -> None:
    for name in [n for n in sys.modules if n == "massgen" or n.startswith("massgen.")]:
        del sys.modules[name]


def main(argv: list[str]) -> int:
    worst = 0
    for arg in argv:
        root, _, tests = arg.partition("::")
        forget_massgen()
        sys.path.insert(0, root)
        try:
            code = int(pytest.main(["-q", "-x", "-p", "no:cacheprovider", "-p", "no:langsmith_plugin",
                                    "-p", "no:textual-snapshot", "-p", "no:syrupy", "--rootdir", root,
                                    *tests.split(",")]))
        finally:
            sys.path.remove(root)
        print(f"RESULT {root} {code}", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
