"""Connections pinned to the address the guard checked (the requests engine).

Checking a name's addresses and then letting the HTTP client resolve it again leaves
a gap: a hostile DNS server can answer with a public address to the check and with
a private one to the connection (DNS rebinding). These urllib3 connection classes
resolve once, refuse the name when any address is private, loopback or link-local,
and connect to the address that was checked. TLS still verifies the certificate
against the host name: only the socket's target changes.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from citecheck.fetch.errors import PrivateAddressRefused
from citecheck.netguard import is_private_address


def checked_address(host: str, port: int) -> str:
    """The first address `host` resolves to; PrivateAddressRefused if any is private."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]).split("%", 1)[0] for info in infos]
    for address in addresses:
        if is_private_address(ipaddress.ip_address(address)):
            raise PrivateAddressRefused(f"{host} resolves to a private address ({address})")
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
    return addresses[0]


class _PinnedConnection:
    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        original = self._dns_host
        self._dns_host = checked_address(original.rstrip("."), self.port)
        try:
            return super()._new_conn()  # type: ignore[misc]  # the urllib3 class it is mixed into
        finally:
            self._dns_host = original


class PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to checked, public addresses."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }
