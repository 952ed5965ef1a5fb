"""The SSRF guard: a webhook or callback goes only to a public address, vetted before connecting.

The target's host is resolved (through an injectable resolver, so tests never touch DNS) and
every address it resolves to is judged; loopback, private, link-local, unique-local,
multicast, reserved, unspecified and other non-global addresses, and the cloud metadata
endpoints, are refused unless an allow-list entry (an address or a network) covers them. The
request then goes to the vetted address itself, with the original `Host` header and TLS
server name, so a second DNS answer cannot send it elsewhere (DNS rebinding):

>>> refusal(ipaddress.ip_address("169.254.169.254"))
'a cloud metadata address'
>>> refusal(literal_address("0177.0.0.1") or ipaddress.ip_address("0.0.0.0"))
'a loopback address'
>>> refusal(ipaddress.ip_address("::ffff:10.0.0.1")), refusal(ipaddress.ip_address("93.184.215.14"))
('a private address', None)
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

__all__ = ["Guard", "RefusedTarget", "Resolver", "Target", "literal_address", "refusal"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to (as text)
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# the forms inet_aton reads as IPv4: 2130706433, 0177.0.0.1, 0x7f.1 (refused like 127.0.0.1)
_NUMERIC_HOST = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)(\.(0[xX][0-9a-fA-F]*|[0-9]+)){0,3}\.?$")


class RefusedTarget(ValueError):
    """A webhook or callback URL the guard refuses; nothing was sent."""


@dataclass(frozen=True)
class Target:
    """A vetted destination: the URL to request (its host the vetted address), the `Host`
    header and the TLS server name of the original URL."""

    url: httpx.URL
    host_header: str
    server_name: str


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """The operating system's resolver (getaddrinfo), off the event loop."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def literal_address(host: str) -> Address | None:
    """The address a host written as an IP literal stands for (decimal, octal and hex IPv4
    forms included, as the C library reads them); None for a name."""
    text = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text.rstrip(".")))
        except OSError:
            return None
    return None


def refusal(address: Address) -> str | None:
    """Why an address may not receive webhooks, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        (address in METADATA, "a cloud metadata address"),
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (
            isinstance(address, ipaddress.IPv6Address)
            and address in ipaddress.ip_network("fc00::/7"),
            "a unique-local address",
        ),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    )
    return next((why for refused, why in checks if refused), None)


class Guard:
    """Vets webhook and callback URLs; `allowed` lists addresses or networks let through."""

    def __init__(self, allowed: Sequence[str] = (), resolver: Resolver | None = None) -> None:
        self.allowed = tuple(ipaddress.ip_network(entry, strict=False) for entry in allowed)
        self.resolver = resolver or system_resolver

    def _allowed(self, address: Address) -> bool:
        return any(address in network for network in self.allowed)

    def judge(self, address: Address, host: str) -> None:
        """Raise `RefusedTarget` unless the address is public or allowed."""
        if self._allowed(address):
            return
        why = refusal(address)
        if why is not None:
            raise RefusedTarget(
                f"refused to send to {host!r}: {address} is {why} "
                "(allow it in the webhook_allowed_networks setting if it is meant)"
            )

    async def vet(self, url: str) -> Target:
        """The URL's destination, every address it resolves to judged; `RefusedTarget` when
        the URL is not http(s), has no host, or reaches a refused address."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as error:
            raise RefusedTarget(f"refused to send to {url!r}: not a URL ({error})") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise RefusedTarget(f"refused to send to {url!r}: only http(s) URLs with a host")
        host = parsed.host
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        literal = literal_address(host)
        if literal is not None:
            found: list[Address] = [literal]
        else:
            try:
                answers = await self.resolver(host, port)
            except OSError as error:
                why = f"refused to send to {host!r}: it does not resolve ({error})"
                raise RefusedTarget(why) from None
            found = [ipaddress.ip_address(str(a).split("%", 1)[0]) for a in answers]
            if not found:
                raise RefusedTarget(f"refused to send to {host!r}: it resolves to no address")
        for address in found:  # one refused address refuses the host (no partial trust)
            self.judge(address, host)
        chosen = str(found[0])
        netloc = host if parsed.port is None else f"{host}:{parsed.port}"
        if ":" in host:  # an IPv6 literal keeps its brackets in Host
            netloc = f"[{host}]" if parsed.port is None else f"[{host}]:{parsed.port}"
        return Target(parsed.copy_with(host=chosen), netloc, host)
