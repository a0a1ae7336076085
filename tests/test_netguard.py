"""The address guard: which hosts the checker refuses to connect to."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from citecheck import netguard
from citecheck.netguard import is_private_host, parse_literal_address


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "[::1]",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "fc00::1",
        "fd12:3456::1",
        "169.254.169.254",  # cloud metadata
        "fe80::1",
        "fe80::1%eth0",
        "0.0.0.0",
        "::",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "100.100.100.200",  # carrier-grade NAT range, another metadata address
        "localhost",
        "LOCALHOST",
        "localhost.",
        "api.localhost",
    ],
)
def test_private_and_local_hosts_are_refused(host: str) -> None:
    assert is_private_host(host, resolve=False)


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "10.1"])
def test_legacy_ipv4_spellings_of_private_addresses_are_refused(host: str) -> None:
    assert is_private_host(host, resolve=False)


@pytest.mark.parametrize("host", ["1.1.1.1", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_literal_addresses_are_allowed(host: str) -> None:
    assert not is_private_host(host, resolve=False)


def test_names_are_not_judged_without_resolving() -> None:
    assert not is_private_host("intranet.example", resolve=False)
    assert not is_private_host("", resolve=False)


def test_a_name_that_does_not_resolve_is_not_private() -> None:
    assert not is_private_host("nothing-here.invalid", resolve=True)


def test_a_name_resolving_to_a_private_address_is_private(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand-in resolver: the test must not depend on what the machine's DNS says.
    answers = {
        "intranet.example": ["203.0.113.9", "10.0.0.7"],  # one private answer is enough
        "public.example": ["1.1.1.1"],
    }

    def fake_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in answers[host]]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", fake_getaddrinfo)
    assert is_private_host("intranet.example", resolve=True)
    assert not is_private_host("intranet.example", resolve=False)
    assert not is_private_host("public.example", resolve=True)


def test_parse_literal_address_leaves_names_alone() -> None:
    assert parse_literal_address("cafe.example") is None
    assert parse_literal_address("deadbeef") is None
    assert str(parse_literal_address("[::1]")) == "::1"
    assert str(parse_literal_address("127.1")) == "127.0.0.1"
