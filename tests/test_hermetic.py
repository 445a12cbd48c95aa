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
