"""JWT verification with PyJWT: pinned algorithms, keys from settings, every failure a 401."""

from __future__ import annotations

import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

# PyJWT is imported where a token is first verified or signed: it loads `cryptography`, a
# tenth of a large service's start-up (issue 23).
if TYPE_CHECKING:
    from jwt import PyJWKClient, PyJWKSet

logger = logging.getLogger(__name__.rsplit(".", 1)[0])

SYMMETRIC = frozenset({"HS256", "HS384", "HS512"})
ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
MIN_SECRET_BYTES = 32
# RFC 7519 §4.1.4-4.1.6: these claims are NumericDates, JSON numbers of seconds.
_TIME_CLAIMS = ("exp", "nbf", "iat")


class InvalidToken(Exception):
    """The token is not acceptable; the reason is logged at debug level, never sent back."""


class AuthConfigError(ValueError):
    """The JWT settings are unsafe or inconsistent; the service refuses to start."""


def check_algorithms(
    algorithms: Sequence[str], *, secret: bytes | None, asymmetric_keys: bool
) -> tuple[str, ...]:
    """The allow-list to verify with: explicit, or derived from the key material.

    `none` is never allowed, HMAC algorithms need a secret of at least 32 bytes, and
    algorithm families never mix with the wrong key type (no HS256-with-a-public-key).
    """
    chosen = tuple(algorithms) or (("HS256",) if secret else ("RS256", "ES256"))
    for alg in chosen:
        if alg not in SYMMETRIC | ASYMMETRIC:
            raise AuthConfigError(f"JWT algorithm {alg!r} is not allowed")
        if alg in SYMMETRIC and asymmetric_keys:
            raise AuthConfigError(f"{alg} cannot be used with public keys or a JWKS")
        if alg in ASYMMETRIC and secret and not asymmetric_keys:
            raise AuthConfigError(f"{alg} needs a public key or a JWKS, not a shared secret")
    if secret is not None and len(secret) < MIN_SECRET_BYTES:
        raise AuthConfigError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes long")
    return chosen


def _discover_jwks_uri(discovery_url: str) -> str:
    import urllib.request  # only a key set behind a discovery document needs it

    with urllib.request.urlopen(discovery_url, timeout=5) as response:
        document = json.loads(response.read(1_000_000))
    uri = document.get("jwks_uri") if isinstance(document, dict) else None
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise InvalidToken("discovery document has no jwks_uri")
    return uri


class JwtVerifier:
    """Verifies bearer tokens against one key source (secret, PEM public key, JWKS file or URL)."""

    def __init__(
        self,
        *,
        algorithms: Sequence[str] = (),
        secret: bytes | None = None,
        public_key: str | None = None,
        jwks_json: str | None = None,
        jwks_url: str | None = None,
        discovery_url: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        leeway: int = 30,
        max_token_bytes: int = 8192,
        jwks_refresh_cooldown: float = 30.0,
        cache_seconds: float = 60.0,
        cache_size: int = 1024,
    ) -> None:
        asymmetric = bool(public_key or jwks_json or jwks_url or discovery_url)
        self.algorithms = list(
            check_algorithms(algorithms, secret=secret, asymmetric_keys=asymmetric)
        )
        self.secret = secret
        self.public_key = public_key
        self.jwks: PyJWKSet | None = None
        if jwks_json:
            from jwt import PyJWKSet

            self.jwks = PyJWKSet.from_json(jwks_json)
        self.jwks_url = jwks_url
        self.discovery_url = discovery_url
        self._client: PyJWKClient | None = None
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.max_token_bytes = max_token_bytes
        self.jwks_refresh_cooldown = jwks_refresh_cooldown
        # Tokens already verified, by their exact text: a client sends the same token on every
        # request, and a signature check costs more than a trivial endpoint. An entry lives
        # `cache_seconds` at most (a key removed from a JWKS stops working within that time)
        # and never past the moment the token itself would be refused (`exp` + leeway).
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self._verified: OrderedDict[str, tuple[Mapping[str, Any], float]] = OrderedDict()

    @property
    def _needs_kid(self) -> bool:
        return self.secret is None and self.public_key is None

    @property
    def configured(self) -> bool:
        return any((self.secret, self.public_key, self.jwks, self.jwks_url, self.discovery_url))

    def _key(self, token: str, header: Mapping[str, Any]) -> Any:
        if self.secret is not None:
            return self.secret
        if self.public_key is not None:
            return self.public_key
        kid = header.get("kid")
        if self.jwks is not None:
            keys = [k for k in self.jwks.keys if kid is None or k.key_id == kid]
            if len(keys) != 1:
                raise InvalidToken("no unique key for this kid")
            return keys[0].key
        if self._client is None:
            url = self.jwks_url or _discover_jwks_uri(str(self.discovery_url))
            # PyJWKClient caches the set and refetches it once when a kid is unknown (at most
            # once per cooldown, so a flood of made-up kids cannot hammer the provider).
            from jwt import PyJWKClient

            self._client = PyJWKClient(
                url,
                cache_keys=True,
                lifespan=3600,
                timeout=5,
                cooldown_duration=self.jwks_refresh_cooldown,
            )
        return self._client.get_signing_key_from_jwt(token).key

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or InvalidToken; `exp` is required, `iss`/`aud` when configured."""
        return dict(self.claims(token))

    def claims(self, token: str) -> Mapping[str, Any]:
        """`verify` without the copy: a read-only mapping, the same object while it is cached."""
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if now < cached[1]:
                return cached[0]
            self._verified.pop(token, None)
        claims: Mapping[str, Any] = MappingProxyType(self._verify(token))
        exp = claims.get("exp")
        if self.cache_seconds > 0 and isinstance(exp, int | float) and not isinstance(exp, bool):
            until = min(now + self.cache_seconds, exp + self.leeway)
            self._verified[token] = (claims, until)
            while len(self._verified) > self.cache_size:
                self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        if not self.configured:
            raise InvalidToken("no JWT key is configured")
        if len(token) > self.max_token_bytes or token.count(".") != 2:
            raise InvalidToken("malformed or oversized token")
        try:
            # Only a key set needs the header first (for `kid`); PyJWT checks `alg` against
            # the allow-list either way, so the token is parsed once on the common path.
            import jwt

            header = jwt.get_unverified_header(token) if self._needs_kid else {}
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key(token, header),
                algorithms=self.algorithms,
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": self.audience is not None,
                    "verify_iss": self.issuer is not None,
                },
            )
        except InvalidToken:
            raise
        except Exception as exc:  # every library failure is a bad token, never a 500
            logger.debug("token rejected: %s", type(exc).__name__)
            raise InvalidToken(type(exc).__name__) from None
        if not isinstance(claims.get("sub"), str):
            raise InvalidToken("sub is not a string")
        for name in _TIME_CLAIMS:
            if name in claims and not _is_numeric_date(claims[name]):
                # PyJWT checks `int(claims["exp"])`, which a string such as "9999999999"
                # passes; RFC 7519 §2 and §4.1.4 require a JSON number (issue 22).
                raise InvalidToken(f"{name} is not a NumericDate")
        return claims


def _is_numeric_date(value: object) -> bool:
    """True for a JSON number that is a finite instant (RFC 7519 NumericDate).

    >>> _is_numeric_date(1700000000), _is_numeric_date("1700000000"), _is_numeric_date(True)
    (True, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def scopes_of(claims: Mapping[str, Any]) -> frozenset[str]:
    """Scopes from `scope` (space separated, RFC 8693/9068), `scp` or `scopes`."""
    for claim in ("scope", "scp", "scopes"):
        value = claims.get(claim)
        if isinstance(value, str):
            return frozenset(value.split())
        if isinstance(value, list):
            return frozenset(v for v in value if isinstance(v, str))
    return frozenset()


def mint_token(
    subject: str,
    scopes: Sequence[str],
    *,
    secret: bytes | None = None,
    private_key: str | None = None,
    algorithm: str = "HS256",
    issuer: str | None = None,
    audience: str | None = None,
    ttl_seconds: int = 900,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A signed access token for development and tests (never use a test key in production)."""
    now = int(time.time())
    claims: dict[str, Any] = {"sub": subject, "iat": now, "nbf": now, "exp": now + ttl_seconds}
    if scopes:
        claims["scope"] = " ".join(scopes)
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    claims.update(extra or {})
    key = secret if secret is not None else private_key
    if key is None:
        raise AuthConfigError("mint_token needs a secret or a private key")
    import jwt

    return jwt.encode(claims, key, algorithm=algorithm)
