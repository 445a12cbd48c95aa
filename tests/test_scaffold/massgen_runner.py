"""Run pytest over several MassGen copies in ONE interpreter (run as a subprocess by MassGen's interpreter).

Importing MassGen and its dependencies costs 7 s of CPU (tens of seconds on a loaded 2-core machine). The copies
differ only in MassGen's own modules, so between copies this script forgets `massgen.*` and puts the next copy
first on sys.path: the third-party dependencies are imported once. Imports only pytest and the standard library
(MassGen comes from the copies); connections go to 127.0.0.1 only.

    python massgen_runner.py ROOT::TEST_FILE[,TEST_FILE...] ...

Prints one line per copy: `RESULT <root> <pytest exit code>`.

    python massgen_runner.py --massgen-cli ARGS...

runs the `massgen` command (what its console script runs: `sys.exit(massgen.cli.cli_main())`) with ARGS, under the
same 127.0.0.1-only guard; MassGen comes from PYTHONPATH.
"""

from __future__ import annotations

import os
import socket
import sys

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
_connect = socket.socket.connect


def _local_only(sock: socket.socket, address: object) -> None:
    """Hermetic: only 127.0.0.1 (and Unix sockets) may be reached from the MassGen runs."""
    if sock.family != getattr(socket, "AF_UNIX", None) and (not isinstance(address, tuple) or address[0] != "127.0.0.1"):
        raise ConnectionRefusedError(f"hermetic tests: connection to {address!r} refused (only 127.0.0.1 is allowed)")
    _connect(sock, address)


socket.socket.connect = _local_only  # type: ignore[method-assign]


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
            code = int(pytest.main(["-q", "-x", "-rpfE", "-p", "no:cacheprovider", "-p", "no:langsmith_plugin",
                                    "-p", "no:textual-snapshot", "-p", "no:syrupy", "--rootdir", root,
                                    *tests.split(",")]))
        finally:
            sys.path.remove(root)
        print(f"RESULT {root} {code}", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    if sys.argv[1:2] == ["--massgen-cli"]:
        sys.argv = ["massgen", *sys.argv[2:]]
        from massgen.cli import cli_main

        sys.exit(cli_main())
    raise SystemExit(main(sys.argv[1:]))
