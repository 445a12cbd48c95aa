"""The hermetic guard of the root conftest.py: only 127.0.0.1 is reachable, and names other than the local ones
are not even looked up (a DNS query would leave the machine before any connect() could be refused)."""

from __future__ import annotations

import socket

import pytest


def test_connect_to_another_address_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(ConnectionRefusedError) as info:
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routable
    assert str(info.value) == "hermetic tests: connection to ('192.0.2.1', 80) refused (only 127.0.0.1 is allowed)"


def test_name_lookup_of_another_host_is_refused() -> None:
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("raw.githubusercontent.com", 443)
    assert info.value.args[1] == ("hermetic tests: name lookup of 'raw.githubusercontent.com' refused "
                                  "(only 127.0.0.1 is allowed)")


def test_local_names_still_resolve_and_connect() -> None:
    assert {info[4][0] for info in socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET)} == {"127.0.0.1"}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_massgen_price_lookup_does_not_reach_the_network(massgen_imported) -> None:
    # MassGen's cost calculator fetches litellm's price list from GitHub; under the guard the lookup is refused
    # at once, the fetch returns None, and MassGen falls back to its other price sources.
    from massgen.token_manager.token_manager import TokenCostCalculator

    calculator = TokenCostCalculator()
    assert calculator._fetch_litellm_pricing() is None
    assert calculator._litellm_cache is None  # a failed fetch is not cached: the next cost calculation tries again


def test_the_scaffold_proofs_interpreter_installs_the_same_guard() -> None:
    # massgen_runner.py runs MassGen copies outside this session; it loads tests/hermetic_guard.py by its path.
    # (Without the name-lookup guard there, MassGen's price fetch waited about 5 s for the resolver in some runs.)
    import subprocess
    import sys
    from pathlib import Path

    runner = Path(__file__).parent / "test_scaffold" / "massgen_runner.py"
    probe = (f"import importlib.util, socket\n"
             f"spec = importlib.util.spec_from_file_location('runner', {str(runner)!r})\n"
             f"spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
             f"try:\n    socket.getaddrinfo('raw.githubusercontent.com', 443)\n"
             f"except socket.gaierror as exc:\n    print(exc.args[1])\n"
             f"try:\n    socket.socket().connect(('192.0.2.1', 80))\n"
             f"except ConnectionRefusedError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == [
        "hermetic tests: name lookup of 'raw.githubusercontent.com' refused (only 127.0.0.1 is allowed)",
        "hermetic tests: connection to ('192.0.2.1', 80) refused (only 127.0.0.1 is allowed)"], done.stderr


PROOF_PROCESS = """
import gc, socket, subprocess, sys
print("collector on:", gc.isenabled())
try:
    socket.getaddrinfo("raw.githubusercontent.com", 443)
except socket.gaierror as exc:
    print(exc.args[1])
if sys.argv[1:] != ["child"]:  # a process it starts, with its environment
    print(subprocess.run([sys.executable, __file__, "child"], capture_output=True, text=True).stdout, end="")
"""


def test_every_process_the_scaffold_proof_starts_is_guarded_too(tmp_path) -> None:
    # The fake CLIs and MassGen's MCP servers are processes of their own, started by MassGen's interpreter with
    # its environment: tests/test_scaffold/proof_site/sitecustomize.py, on their PYTHONPATH, guards each one (and
    # turns the collector off while it imports). Here a process started the same way, and one it starts in turn.
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "probe.py"
    script.write_text(PROOF_PROCESS)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent / "test_scaffold" / "proof_site")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    refused = "hermetic tests: name lookup of 'raw.githubusercontent.com' refused (only 127.0.0.1 is allowed)"
    assert done.stdout.splitlines() == ["collector on: False", refused, "collector on: False", refused], done.stderr


@pytest.mark.parametrize("lookup", ["gethostbyname", "gethostbyname_ex"])
def test_the_older_name_lookups_are_refused_too(lookup: str) -> None:
    with pytest.raises(socket.gaierror) as info:
        getattr(socket, lookup)("raw.githubusercontent.com")
    assert info.value.args[1] == ("hermetic tests: name lookup of 'raw.githubusercontent.com' refused "
                                  "(only 127.0.0.1 is allowed)")
    assert socket.gethostbyname("localhost") == "127.0.0.1"


def test_a_datagram_to_another_address_is_refused() -> None:
    # UDP needs no connect(): a DNS query (dnspython's) is one sendto away from leaving the machine
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(ConnectionRefusedError) as info:
            sock.sendto(b"x", ("192.0.2.1", 53))  # TEST-NET-1: never routable
        with pytest.raises(ConnectionRefusedError) as info_with_flags:
            sock.sendto(b"x", 0, ("192.0.2.1", 53))
    assert str(info.value) == str(info_with_flags.value) == (
        "hermetic tests: connection to ('192.0.2.1', 53) refused (only 127.0.0.1 is allowed)")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind(("127.0.0.1", 0))
        assert client.sendto(b"ping", server.getsockname()) == 4
        assert server.recv(16) == b"ping"
