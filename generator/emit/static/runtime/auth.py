"""Security requirements as OpenAPI defines them: OR of alternatives, AND inside one, scopes as RBAC."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from .context import PRINCIPAL_KEY
from .routes import ContractRoute, Endpoint
from .tokens import InvalidToken, JwtVerifier, scopes_of

logger = logging.getLogger(__name__.rsplit(".", 2)[0])
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Requirement = tuple[tuple[str, tuple[str, ...]], ...]  # ((scheme, scopes), ...) all must hold


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who made the request: subject, granted scopes, token claims and the schemes that matched."""

    subject: str
    scopes: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    schemes: tuple[str, ...] = ()

    def has_scopes(self, *scopes: str) -> bool:
        return set(scopes) <= self.scopes


@dataclasses.dataclass(frozen=True)
class SchemeSpec:
    """One `securitySchemes` entry: `jwt` (bearer, oauth2, openIdConnect), `apiKey` or `basic`."""

    name: str
    kind: str
    location: str = "header"  # apiKey: header | query | cookie
    parameter: str = "Authorization"  # apiKey: header/query/cookie name
    discovery_url: str | None = None  # openIdConnect


class ApiKeyVerifier(Protocol):
    """Application hook: who owns this API key (None if nobody)."""

    def __call__(self, scheme: str, key: str) -> Awaitable[Principal | None]: ...


class BasicVerifier(Protocol):
    """Application hook: who these basic credentials belong to (None if nobody)."""

    def __call__(
        self, scheme: str, username: str, password: str
    ) -> Awaitable[Principal | None]: ...


class SchemeVerifier(Protocol):
    """Application hook for a scheme the runtime cannot verify by itself (`mutualTLS`,
    HTTP `digest` and the like): who sent the request (None if nobody proved it)."""

    def __call__(self, scheme: str, request: Request) -> Awaitable[Principal | None]: ...


class _Rejected(Exception):
    def __init__(self, *, presented: bool, scopes: tuple[str, ...] = ()) -> None:
        self.presented = presented
        self.scopes = scopes


@dataclasses.dataclass
class AuthContext:
    """Verifiers and settings one app uses; built by `configure_auth` at start-up."""

    realm: str
    jwt: JwtVerifier
    api_keys: ApiKeyVerifier
    basic: BasicVerifier
    trusted_origins: frozenset[str]
    verifiers: Mapping[str, SchemeVerifier] = dataclasses.field(default_factory=dict)
    # The principal of each verified token, by scheme and token text. It stands while the
    # verifier hands back the very claims it was built from: the verifier alone decides how
    # long a verification holds.
    _principals: dict[tuple[str, str], Principal] = dataclasses.field(
        default_factory=dict, init=False, repr=False
    )

    async def principal(self, request: Request, spec: SchemeSpec) -> Principal:
        if spec.kind == "jwt":
            return self.bearer_principal(request, spec)
        if spec.kind == "apiKey":
            key = _api_key(request, spec)
            if spec.location == "cookie":
                self._check_origin(request)
            found = await self.api_keys(spec.name, key)
        elif spec.kind == "basic":
            found = await self.basic(spec.name, *_basic(request))
        elif spec.name in self.verifiers:
            found = await self.verifiers[spec.name](spec.name, request)
        else:
            raise _Unverifiable(spec.name)
        if found is None:
            raise _Rejected(presented=True)
        return dataclasses.replace(found, schemes=(spec.name,))

    def bearer_principal(self, request: Request, spec: SchemeSpec) -> Principal:
        """Who the request's bearer token names (`spec` is a `jwt` scheme); no I/O."""
        token = _bearer(request)
        try:
            claims = self.jwt.claims(token)
        except InvalidToken:
            raise _Rejected(presented=True) from None
        key = (spec.name, token)
        found = self._principals.get(key)
        if found is None or found.claims is not claims:
            found = Principal(claims["sub"], scopes_of(claims), claims, (spec.name,))
            self._principals[key] = found
            if len(self._principals) > self.jwt.cache_size:
                del self._principals[next(iter(self._principals))]
        return found

    def _check_origin(self, request: Request) -> None:
        """CSRF defence for cookie credentials: unsafe methods need a same-site or trusted Origin."""
        if request.method not in UNSAFE_METHODS:
            return
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            return  # not a browser request: browsers always send Origin on cross-site writes
        parts = urlsplit(origin)
        seen = f"{parts.scheme}://{parts.netloc}"
        own = f"{request.url.scheme}://{request.url.netloc}"
        if seen != own and seen not in self.trusted_origins:
            raise HTTPException(403, "Cross-site request refused")


class _Unverifiable(Exception):
    """A scheme nothing can verify: the application registered no verifier for it."""

    def __init__(self, scheme: str) -> None:
        super().__init__(scheme)
        self.scheme = scheme


def _authorization(request: Request) -> str:
    """The Authorization header, read from the raw ASGI headers (no `Headers` object)."""
    for name, value in request.scope["headers"]:
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return ""


def _bearer(request: Request) -> str:
    header = _authorization(request)
    if not header:
        raise _Rejected(presented=False)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if not token or scheme.lower() != "bearer":
        raise _Rejected(presented=True)
    return token


def _api_key(request: Request, spec: SchemeSpec) -> str:
    source = {"query": request.query_params, "cookie": request.cookies}.get(spec.location)
    value = (source if source is not None else request.headers).get(spec.parameter)
    if not value:
        raise _Rejected(presented=False)
    return value


def _basic(request: Request) -> tuple[str, str]:
    header = _authorization(request)
    scheme, _, encoded = header.partition(" ")
    if not header:
        raise _Rejected(presented=False)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Rejected(presented=True) from None
    username, sep, password = decoded.partition(":")
    if scheme.lower() != "basic" or not sep:
        raise _Rejected(presented=True)
    return username, password


def _challenge(
    realm: str, schemes: Mapping[str, SchemeSpec], names: set[str], error: str | None
) -> str:
    kinds = {schemes[n].kind for n in names if n in schemes}
    parts = []
    if "jwt" in kinds or not kinds:
        parts.append(f'Bearer realm="{realm}"' + (f', error="{error}"' if error else ""))
    if "basic" in kinds:
        parts.append(f'Basic realm="{realm}", charset="UTF-8"')
    if "apiKey" in kinds:
        parts.append(f'ApiKey realm="{realm}"')
    return ", ".join(parts)


def authenticate(
    schemes: Mapping[str, SchemeSpec], alternatives: tuple[Requirement, ...]
) -> Callable[[Request], Awaitable[Principal | None]]:
    """A dependency enforcing one operation's requirements (RFC 6750 401/403 answers)."""
    anonymous_ok = any(len(alt) == 0 for alt in alternatives)
    names = {name for alt in alternatives for name, _ in alt}

    async def dependency(request: Request) -> Principal | None:
        context: AuthContext = request.app.state["auth"]  # item access: see wire.implementation
        presented, missing_scopes, unverifiable = False, None, None
        for alternative in alternatives:
            if not alternative:
                continue
            try:
                if len(alternative) == 1:  # the common case: one scheme, nothing to merge
                    name, scopes = alternative[0]
                    return await _check(context, request, schemes[name], scopes)
                matched = [
                    await _check(context, request, schemes[name], scopes)
                    for name, scopes in alternative
                ]
            except _Rejected as rejected:
                presented = presented or rejected.presented
                if rejected.scopes and missing_scopes is None:
                    missing_scopes = rejected.scopes
                continue
            except _Unverifiable as missing:
                unverifiable = unverifiable or missing.scheme
                continue
            first = matched[0]
            return dataclasses.replace(first, schemes=tuple(n for p in matched for n in p.schemes))
        if missing_scopes is not None:
            scope = " ".join(missing_scopes)
            value = _challenge(context.realm, schemes, names, "insufficient_scope")
            raise HTTPException(
                403, "Insufficient scope", {"WWW-Authenticate": f'{value}, scope="{scope}"'}
            )
        if anonymous_ok and not presented:
            return None
        if unverifiable is not None and not presented:
            raise HTTPException(
                501,
                f"The security scheme {unverifiable!r} needs a verifier, and the application "
                "registered none (create_app(scheme_verifiers=...)).",
            )
        error = "invalid_token" if presented else None
        raise HTTPException(
            401,
            "Unauthorized",
            {"WWW-Authenticate": _challenge(context.realm, schemes, names, error)},
        )

    # What `specfirst drift` compares with the contract: wire scheme names and their scopes.
    dependency.__dict__["specfirst_security"] = tuple(
        tuple((schemes[name].name, scopes) for name, scopes in alternative)
        for alternative in alternatives
    )
    return dependency


def secured_route(
    schemes: Mapping[str, SchemeSpec], alternatives: tuple[Requirement, ...]
) -> type[ContractRoute]:
    """A route class that authenticates before anything reads the request's parameters.

    Same answers as the `authenticate` dependency (401/403 first, then 400 for bad input),
    without FastAPI's dependency resolution on every request; the route reads the outcome
    with `current_principal`.
    """
    check = authenticate(schemes, alternatives)
    bearer = _single_bearer(schemes, alternatives)

    names = {name for alternative in alternatives for name, _ in alternative}

    class SecuredRoute(ContractRoute):
        specfirst_security = check.__dict__["specfirst_security"]

        def challenge(self, request: Request, status: int) -> str | None:
            """RFC 6750 §3: the challenge a handler's own 401 or 403 carries."""
            context: AuthContext = request.app.state["auth"]
            error = "insufficient_scope" if status == 403 else "invalid_token"
            return _challenge(context.realm, schemes, names, error)

        def wrap(self, handler: Endpoint) -> Endpoint:
            if bearer is None:

                async def authenticated(request: Request) -> Response:
                    request.scope[PRINCIPAL_KEY] = await check(request)
                    return await handler(request)

                return authenticated
            spec, required = bearer

            async def bearer_authenticated(request: Request) -> Response:
                # The common case, one bearer scheme: no awaits before the handler's. Any
                # refusal is left to `check`, which gives the same answer as on other routes.
                try:
                    context: AuthContext = request.app.state["auth"]
                    found = context.bearer_principal(request, spec)
                except _Rejected:
                    found = None
                if found is None or not required <= found.scopes:
                    found = await check(request)
                request.scope[PRINCIPAL_KEY] = found
                return await handler(request)

            return bearer_authenticated

    return SecuredRoute


def _single_bearer(
    schemes: Mapping[str, SchemeSpec], alternatives: tuple[Requirement, ...]
) -> tuple[SchemeSpec, frozenset[str]] | None:
    """The scheme and scopes when the only way in is one bearer token, else None."""
    if len(alternatives) != 1 or len(alternatives[0]) != 1:
        return None
    name, scopes = alternatives[0][0]
    spec = schemes[name]
    return (spec, frozenset(scopes)) if spec.kind == "jwt" else None


def current_principal(request: Request) -> Principal | None:
    """Who `secured_route` found the request to come from (None: anonymous where allowed)."""
    found = request.scope.get(PRINCIPAL_KEY)
    return found if isinstance(found, Principal) else None


async def _check(
    context: AuthContext, request: Request, spec: SchemeSpec, scopes: tuple[str, ...]
) -> Principal:
    principal = await context.principal(request, spec)
    if not principal.has_scopes(*scopes):
        raise _Rejected(presented=True, scopes=scopes)
    return principal


def hash_api_key(key: str) -> str:
    """The SHA-256 hex digest stored in settings instead of the key itself."""
    return hashlib.sha256(key.encode()).hexdigest()


def default_api_key_verifier(hashes: Mapping[str, str]) -> ApiKeyVerifier:
    """Compares a key's hash with every configured `subject -> sha256` entry in constant time."""
    entries = tuple(hashes.items())

    async def verify(scheme: str, key: str) -> Principal | None:
        digest = hash_api_key(key).encode()
        owner = None
        for subject, expected in entries:  # no early exit: timing does not depend on the match
            if hmac.compare_digest(digest, expected.lower().encode()):
                owner = subject
        return Principal(owner) if owner is not None else None

    return verify


def default_basic_verifier(users: Mapping[str, str]) -> BasicVerifier:
    """Checks a password against configured pwdlib (argon2) hashes; unknown users cost the same.

    The hasher and the dummy hash an unknown user is checked against are made by the first
    request with credentials, whoever it names (an argon2 hash costs a large app's start-up
    a tenth of a second and 64 MiB, issue 23).
    """

    @functools.cache
    def hasher() -> tuple[Any, str]:
        from pwdlib import PasswordHash

        made = PasswordHash.recommended()
        return made, made.hash("specfirst-dummy-password")

    def check(username: str, password: str) -> bool:
        made, dummy = hasher()
        stored = users.get(username)
        return made.verify(password, stored or dummy) and stored is not None

    async def verify(scheme: str, username: str, password: str) -> Principal | None:
        ok = await run_in_threadpool(check, username, password)
        return Principal(username) if ok else None

    return verify
