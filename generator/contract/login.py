"""Access tokens from the service's own OAuth2 token endpoint (RFC 6749 §4.3, password grant).

For services whose tokens must name real accounts (`sub` = an account id), minted tokens are
refused; given `--credential oauth2=user:password`, the runner logs in instead, asking for
exactly the scopes each operation needs. One request per identity and scope set: tokens are
cached until shortly before `expires_in`, and a refusal is remembered (and reported) rather
than retried, so rate-limited token endpoints are not hammered.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin

from generator.contract.credentials import Identity, Scheme

MARGIN_SECONDS = 30
Key = tuple[str, str, tuple[str, ...]]


def token_urls(schemes: Mapping[str, Scheme], base_url: str) -> dict[str, str]:
    """Absolute token URLs per scheme; relative ones resolve against the API's base URL.

    >>> from generator.ir.security import SchemeKind
    >>> token_urls({"o": Scheme("o", SchemeKind.JWT, token_url="/v1/token")}, "http://h:1/v1")
    {'o': 'http://h:1/v1/token'}
    """
    return {
        name: urljoin(base_url.rstrip("/") + "/", scheme.token_url)
        for name, scheme in schemes.items()
        if scheme.token_url
    }


@dataclass
class PasswordGrant:
    """A `TokenSource`: logs identities in at the contract's token URL, one scope set at a time."""

    urls: Mapping[str, str]
    timeout: float = 10.0
    refusals: list[str] = field(default_factory=list)
    _cache: dict[Key, tuple[str | None, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, identity: Identity, scheme: str, scopes: tuple[str, ...]) -> str | None:
        key = (identity.name, scheme, tuple(sorted(scopes)))
        with self._lock:  # workers share the cache; one login per key
            token, expires = self._cache.get(key, (None, 0.0))
            if key in self._cache and (token is None or time.monotonic() < expires):
                return token
            token, lifetime = self._login(identity, scheme, scopes)
            self._cache[key] = (token, time.monotonic() + max(lifetime - MARGIN_SECONDS, 1))
            return token

    def _login(
        self, identity: Identity, scheme: str, scopes: tuple[str, ...]
    ) -> tuple[str | None, float]:
        url = self.urls.get(scheme)
        if url is None:
            self.refusals.append(f"{scheme}: the contract declares no password-flow tokenUrl")
            return None, 0
        username, _, password = identity.secrets[scheme].partition(":")
        form = {"grant_type": "password", "username": username, "password": password}
        if scopes:
            form["scope"] = " ".join(scopes)
        request = urllib.request.Request(
            url,
            data=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        wanted = " ".join(scopes) or "(no scopes)"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read(1_000_000))
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", errors="replace")
            self.refusals.append(
                f"{scheme}: {url} refused {username} for {wanted}: {exc.code} {detail}"
            )
            return None, 0
        except (OSError, ValueError) as exc:
            self.refusals.append(f"{scheme}: logging in {username} at {url} failed: {exc}")
            return None, 0
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str):
            self.refusals.append(f"{scheme}: {url} answered without an access_token")
            return None, 0
        lifetime = body.get("expires_in")
        return token, float(lifetime) if isinstance(lifetime, int | float) else 300.0
