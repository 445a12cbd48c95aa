"""The hermetic guard: only local addresses can be reached, and other names are not even looked up.

Standard library only, because two kinds of process install it: the test session (the root conftest.py) and
every Python process of the scaffold proof (tests/test_scaffold/proof_site/sitecustomize.py loads this file by its
path in MassGen's interpreter and in the processes it starts: the fake CLIs, MassGen's MCP servers).
"""

from __future__ import annotations

import socket

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname
_real_gethostbyname_ex = socket.gethostbyname_ex


def _check_address(sock: socket.socket, address: object) -> None:
    if sock.family == getattr(socket, "AF_UNIX", object()):
        return
    host = address[0] if isinstance(address, tuple) else address
    if host not in LOCAL_HOSTS:
        raise ConnectionRefusedError(f"hermetic tests: connection to {address!r} refused (only 127.0.0.1 is allowed)")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_sendto(self: socket.socket, data: object, *args: object) -> int:
    """A datagram needs no connect(): sendto(data[, flags], address) is checked too (a UDP DNS query, as
    dnspython sends, would otherwise leave the machine)."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check_address(self, args[-1])
    return _real_sendto(self, data, *args)


def _refuse_name(host: object) -> None:
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in LOCAL_HOSTS:
        raise socket.gaierror(socket.EAI_NONAME,
                              f"hermetic tests: name lookup of {name!r} refused (only 127.0.0.1 is allowed)")


def _guarded_gethostbyname(host: str) -> str:
    _refuse_name(host)
    return _real_gethostbyname(host)


def _guarded_gethostbyname_ex(host: str):
    _refuse_name(host)
    return _real_gethostbyname_ex(host)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object):
    """Name lookups are refused too: a DNS query leaves the machine before any connect() is tried.

    (MassGen's token manager looks up raw.githubusercontent.com for litellm's price list before each cost
    calculation; without this guard the lookup waits for the resolver's timeout, about 5 s, before the connect
    guard can refuse it.)
    """
    _refuse_name(host)
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    """Guard this process's sockets (and so every library's, MassGen's included); a second call does nothing."""
    if getattr(socket.getaddrinfo, "__name__", "") == _guarded_getaddrinfo.__name__:
        return
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.gethostbyname = _guarded_gethostbyname
    socket.gethostbyname_ex = _guarded_gethostbyname_ex
