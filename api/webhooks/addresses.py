"""Where a webhook may be sent: never to a private, loopback or link-local address (SSRF), unless allowed.

A URL's host is resolved and **every** address it resolves to must be global (``ipaddress``'s
``is_global``: not private, loopback, link-local, shared, reserved, multicast or documentation). An admin
allows a host by name in ``KH_WEBHOOK_ALLOW_HOSTS`` (tests allow ``127.0.0.1``). The check runs when an
endpoint is registered or changed and again before every delivery; a delivery then connects to the
address that was checked (the host name still goes as ``Host`` and TLS server name), so a DNS answer that
changes in between (rebinding) cannot move it to an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class Refused(Exception):
    """The URL may not be called; the message (Vietnamese) says why."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address`` (None: as the URL says, an allowed host) with this host name."""

    url: str
    host: str
    address: str | None


def allowed_hosts(setting: str) -> frozenset[str]:
    return frozenset(h.strip().lower().strip("[]") for h in setting.split(",") if h.strip())


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; Refused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"Địa chỉ URL không hợp lệ: {exc}.", "url_invalid") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Địa chỉ phải bắt đầu bằng http:// hoặc https:// và có tên máy.", "url_invalid")
    if parts.username or parts.password:
        raise Refused("Địa chỉ không được chứa tên đăng nhập hay mật khẩu.", "url_invalid")
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


async def check(url: str, allow: frozenset[str]) -> Target:
    """Resolve the URL's host and refuse it unless every address is global or the host is allowed."""
    _, host, port = parse(url)
    if host in allow:
        return Target(url, host, None)
    try:
        literal = ipaddress.ip_address(host)
        addresses = [literal]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise Refused(f"Không tìm thấy máy {host} (DNS).", "url_unresolvable") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise Refused(f"Không tìm thấy máy {host} (DNS).", "url_unresolvable")
    for address in addresses:
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        if not (mapped or address).is_global:
            raise Refused(
                f"Không gửi tới {host}: địa chỉ {address} là địa chỉ nội bộ (riêng, loopback hoặc link-local). "
                "Quản trị viên có thể cho phép máy này bằng KH_WEBHOOK_ALLOW_HOSTS.",
                "url_not_allowed",
            )
    return Target(url, host, str(addresses[0]))


def pinned(target: Target) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL to connect to (the checked address), the Host header and the request extensions (TLS name)."""
    if target.address is None:
        return target.url, {}, {}
    parts = urlsplit(target.url)
    address = f"[{target.address}]" if ":" in target.address else target.address
    netloc = address if parts.port is None else f"{address}:{parts.port}"
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=netloc).geturl(), {"Host": host_header}, {"sni_hostname": target.host}
