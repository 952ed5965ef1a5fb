"""Test identities and the credentials each operation needs, read from the contract's security.

Two identities, `alice` (every request) and `bob` (her peer, for object-level authorization
probes). Per operation the first security alternative the identities can satisfy is chosen
(a non-empty one before `{}`), and its scopes are granted: a JWT minted per request for
bearer, OAuth2 and OpenID Connect schemes; the identity's key or password for API-key and
HTTP basic schemes, placed where the contract says (header, query or cookie). Given
`user:password` for an OAuth2 scheme with a password flow, tokens come from the service's own
token endpoint instead (`login`), for services whose subjects must be real accounts.

>>> doc = {"paths": {"/a": {"get": {"security": [{"t": ["a:read"]}]}}},
...        "components": {"securitySchemes": {"t": {"type": "http", "scheme": "bearer"}}}}
>>> plan = plan_credentials(doc, identities=generated_identities(doc), jwt_secret="s" * 32)
>>> plan.requirements["GET /a"]
(('t', ('a:read',)),)
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.devtoken import mint
from generator.ir.security import SchemeKind, scheme_kind

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PRIMARY, PEER = "alice", "bob"
# Key material a started service must not pick up from the caller's environment: it would
# switch the verifier away from the HS256 secret the runner mints tokens with.
FOREIGN_JWT_SETTINGS = ("JWT_PUBLIC_KEY", "JWT_JWKS_FILE", "JWT_JWKS_URL", "OIDC_DISCOVERY_URL")

Requirement = tuple[tuple[str, tuple[str, ...]], ...]  # ((scheme, scopes), ...): all must hold


@dataclass(frozen=True)
class Scheme:
    """One `securitySchemes` entry reduced to what a client needs to send."""

    name: str
    kind: SchemeKind
    location: str = "header"  # apiKey: header | query | cookie
    parameter: str = "Authorization"
    token_url: str | None = None  # OAuth2 password flow: where to log in
    # schemathesis's `ignored_auth` can only take away apiKey and http credentials; an
    # OAuth2/OpenID Connect token it leaves in place, so such alternatives come second
    strippable: bool = True


@dataclass(frozen=True)
class Identity:
    """A test user: its subject name and, per API-key/basic scheme, the key or `user:password`."""

    name: str
    secrets: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Credentials:
    """What to add to one request."""

    headers: Mapping[str, str]
    query: Mapping[str, str]
    cookies: Mapping[str, str]


# (identity, scheme, scopes) -> an access token from the service, None if it refused.
TokenSource = Callable[[Identity, str, tuple[str, ...]], str | None]


@dataclass(frozen=True)
class CredentialPlan:
    """Schemes, identities and, per operation label (`GET /notes/{id}`), the requirement to meet."""

    schemes: Mapping[str, Scheme]
    identities: tuple[Identity, ...]
    requirements: Mapping[str, Requirement | None]
    jwt_secret: str | None = None
    issuer: str | None = None
    audience: str | None = None
    unsatisfied: tuple[str, ...] = ()  # secured operations no alternative could be met for
    login: TokenSource | None = None

    @property
    def peers(self) -> tuple[str, ...]:
        """Identities that must not see each other's objects (empty when nothing identifies users)."""
        secured = any(r for r in self.requirements.values())
        return (
            tuple(i.name for i in self.identities) if secured and len(self.identities) > 1 else ()
        )

    def credentials(self, label: str, identity: Identity) -> Credentials | None:
        """The credentials `identity` sends on operation `label`, or None for an anonymous request."""
        requirement = self.requirements.get(label)
        if not requirement:
            return None
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        cookies: dict[str, str] = {}
        for name, scopes in requirement:
            scheme = self.schemes[name]
            if (
                scheme.kind is SchemeKind.JWT
                and name in identity.secrets
                and self.login is not None
            ):
                token = self.login(identity, name, scopes)
                if token is not None:
                    headers["Authorization"] = f"Bearer {token}"
            elif scheme.kind is SchemeKind.JWT:
                assert self.jwt_secret is not None
                token = mint(
                    identity.name,
                    scopes,
                    secret=self.jwt_secret,
                    issuer=self.issuer,
                    audience=self.audience,
                )
                headers["Authorization"] = f"Bearer {token}"
            elif scheme.kind is SchemeKind.BASIC:
                encoded = base64.b64encode(identity.secrets[name].encode()).decode()
                headers["Authorization"] = f"Basic {encoded}"
            else:
                target = {"query": query, "cookie": cookies}.get(scheme.location, headers)
                target[scheme.parameter] = identity.secrets[name]
        return Credentials(headers, query, cookies)


def read_schemes(document: Mapping[str, Any]) -> dict[str, Scheme]:
    """`components.securitySchemes` as `Scheme`s (mutual TLS... are `unsupported`: never sent)."""
    raw = document.get("components", {}).get("securitySchemes", {})
    schemes: dict[str, Scheme] = {}
    for name, spec in raw.items() if isinstance(raw, Mapping) else ():
        kind = scheme_kind(spec) if isinstance(spec, Mapping) else SchemeKind.UNSUPPORTED
        if kind is SchemeKind.JWT:
            password_flow = (spec.get("flows") or {}).get("password") or {}
            token_url = (
                password_flow.get("tokenUrl") if isinstance(password_flow, Mapping) else None
            )
            token = str(token_url) if token_url else None
            strippable = spec.get("type") == "http"
            schemes[name] = Scheme(name, kind, token_url=token, strippable=strippable)
        elif kind is SchemeKind.API_KEY:
            schemes[name] = Scheme(name, kind, str(spec.get("in")), str(spec.get("name")))
        else:
            schemes[name] = Scheme(name, kind)
    return schemes


def operation_security(document: Mapping[str, Any]) -> dict[str, list[Requirement]]:
    """Every operation label and its security alternatives (operation-level, else top-level)."""
    default = document.get("security", [])
    found: dict[str, list[Requirement]] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(operation, Mapping):
                alternatives = operation.get("security", default) or []
                found[f"{method.upper()} {path}"] = [
                    tuple((name, tuple(scopes or ())) for name, scopes in alt.items())
                    for alt in alternatives
                    if isinstance(alt, Mapping)
                ]
    return found


def _satisfiable(requirement: Requirement, schemes: Mapping[str, Scheme], usable: set[str]) -> bool:
    slots: set[tuple[str, str]] = set()
    for name, _ in requirement:
        scheme = schemes.get(name)
        if scheme is None or name not in usable:
            return False
        slot = (scheme.location, scheme.parameter.lower())
        if slot in slots:  # e.g. bearer AND basic: both need the one Authorization header
            return False
        slots.add(slot)
    return True


def choose(
    alternatives: list[Requirement], schemes: Mapping[str, Scheme], usable: set[str]
) -> Requirement | Literal[False] | None:
    """The first satisfiable non-empty alternative, None for anonymous, False if none works.

    Alternatives made only of apiKey/http schemes come first: those are the ones schemathesis
    can remove when it checks that a missing credential is refused.
    """
    ok = [r for r in alternatives if r and _satisfiable(r, schemes, usable)]
    plain = [r for r in ok if all(schemes[name].strippable for name, _ in r)]
    if plain or ok:
        return (plain or ok)[0]
    return None if not alternatives or any(not alt for alt in alternatives) else False


def generated_identity(document: Mapping[str, Any], name: str) -> Identity:
    """`name` with a fresh random key and password for every API-key/basic scheme."""
    key, password = secrets.token_urlsafe(24), secrets.token_urlsafe(18)
    values = {
        s.name: (key if s.kind is SchemeKind.API_KEY else f"{name}:{password}")
        for s in read_schemes(document).values()
        if s.kind in {SchemeKind.API_KEY, SchemeKind.BASIC}
    }
    return Identity(name, values)


def generated_identities(document: Mapping[str, Any]) -> tuple[Identity, Identity]:
    """`alice` and `bob` with fresh random keys and passwords for every API-key/basic scheme."""
    return generated_identity(document, PRIMARY), generated_identity(document, PEER)


def _grant_all_jwt_scopes(
    chosen: Requirement | None,
    alternatives: list[Requirement],
    schemes: Mapping[str, Scheme],
    logins: set[str],
) -> Requirement | None:
    """A minted token also carries the scopes other JWT alternatives name.

    One verifier checks every JWT scheme, and an implementation may ask for a scope even on
    the alternative that names none (showcase: staff tokens still need `catalog:write`).
    """
    if chosen is None:
        return None
    extra = [
        scope
        for alternative in alternatives
        for name, scopes in alternative
        if name in schemes and schemes[name].kind is SchemeKind.JWT
        for scope in scopes
    ]

    def granted(name: str, scopes: tuple[str, ...]) -> tuple[str, ...]:
        minted = schemes[name].kind is SchemeKind.JWT and name not in logins
        return tuple(dict.fromkeys((*scopes, *extra))) if minted else scopes

    return tuple((name, granted(name, scopes)) for name, scopes in chosen)


def plan_credentials(
    document: Mapping[str, Any],
    *,
    identities: tuple[Identity, ...],
    jwt_secret: str | None,
    issuer: str | None = None,
    audience: str | None = None,
    login: TokenSource | None = None,
) -> CredentialPlan:
    """Choose every operation's requirement; a peer that cannot meet them all is dropped."""
    schemes = read_schemes(document)
    # JWT schemes the first identity logs in to: the others must log in too, not mint.
    logins = {
        s.name
        for s in schemes.values()
        if s.kind is SchemeKind.JWT and s.name in identities[0].secrets
    }

    def usable(identity: Identity) -> set[str]:
        return {
            s.name
            for s in schemes.values()
            if (s.kind is SchemeKind.JWT and s.name not in logins and jwt_secret)
            or (
                s.name in identity.secrets
                and (s.kind is not SchemeKind.JWT or (login and s.token_url))
            )
        }

    primary = usable(identities[0])
    requirements: dict[str, Requirement | None] = {}
    unsatisfied: list[str] = []
    for label, alternatives in operation_security(document).items():
        chosen = choose(alternatives, schemes, primary)
        if chosen is False:
            unsatisfied.append(label)
            chosen = None
        requirements[label] = _grant_all_jwt_scopes(chosen, alternatives, schemes, logins)
    needed = {name for r in requirements.values() if r for name, _ in r}
    kept = tuple(i for i in identities if i is identities[0] or needed <= usable(i))
    return CredentialPlan(
        schemes, kept, requirements, jwt_secret, issuer, audience, tuple(unsatisfied), login
    )


def hash_api_key(key: str) -> str:
    """The SHA-256 hex digest the generated service's settings store instead of the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def service_env(plan: CredentialPlan, prefix: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Environment variables that make a generated service accept the plan's credentials.

    Returns the variables to set and the names to remove from the inherited environment.
    """
    env: dict[str, str] = {}
    kinds = {s.kind for s in plan.schemes.values()}
    if plan.jwt_secret is not None and SchemeKind.JWT in kinds:
        env[f"{prefix}JWT_SECRET"] = plan.jwt_secret
        env[f"{prefix}JWT_ALGORITHMS"] = json.dumps(["HS256"])
        if plan.issuer:
            env[f"{prefix}JWT_ISSUER"] = plan.issuer
        if plan.audience:
            env[f"{prefix}JWT_AUDIENCE"] = plan.audience
    keys = {s.name for s in plan.schemes.values() if s.kind is SchemeKind.API_KEY}
    basic = {s.name for s in plan.schemes.values() if s.kind is SchemeKind.BASIC}
    hashes = {
        i.name: hash_api_key(v) for i in plan.identities for n, v in i.secrets.items() if n in keys
    }
    if hashes:
        env[f"{prefix}API_KEY_HASHES"] = json.dumps(hashes)
    users = {
        v.partition(":")[0]: v.partition(":")[2]
        for i in plan.identities
        for n, v in i.secrets.items()
        if n in basic
    }
    if users:
        from pwdlib import PasswordHash

        hasher = PasswordHash.recommended()
        env[f"{prefix}BASIC_USERS"] = json.dumps({u: hasher.hash(p) for u, p in users.items()})
    return env, tuple(f"{prefix}{name}" for name in FOREIGN_JWT_SETTINGS)
