"""The service a development token is minted for: how it verifies tokens, which scopes exist.

`specfirst token` must mint what the service accepts, so everything is read from the built
app itself: the JWT verifier the generated `security.py` attached (`app.state.auth.jwt`: key,
algorithms, issuer, audience), the settings' environment prefix (`USERS_`, so the variable
to set is `USERS_JWT_SECRET`), and the scopes its bundled contract defines.

>>> sorted(contract_scopes({
...     "components": {"securitySchemes": {"o": {"type": "oauth2", "flows": {
...         "password": {"tokenUrl": "/t", "scopes": {"books:read": "", "books:write": ""}}}}}},
...     "paths": {"/b": {"get": {"security": [{"o": ["books:read"]}]}}}}))
['books:read', 'books:write']
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from generator.apps import AppLoadError, package_of
from generator.contract.credentials import operation_security, read_schemes
from generator.ir.security import SchemeKind

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")


@dataclass(frozen=True)
class TokenApp:
    """What one app verifies bearer tokens with, and the scopes its contract defines."""

    package: str
    env_prefix: str  # of the app's settings, e.g. `USERS_`
    secret: str | None  # the HS* secret it verifies with (None: not set, or a public key)
    algorithms: tuple[str, ...]  # what the verifier accepts
    issuer: str | None
    audience: str | None
    scopes: tuple[str, ...]  # every scope the contract names for a bearer/OAuth2/OIDC scheme
    asymmetric: bool = False  # verifies with a public key or a JWKS: nothing to mint with

    @property
    def secret_variable(self) -> str:
        """The environment variable holding the secret, e.g. `USERS_JWT_SECRET`."""
        return f"{self.env_prefix}JWT_SECRET"

    @property
    def hmac_algorithm(self) -> str | None:
        """The first HMAC algorithm the service accepts (None when it accepts none)."""
        return next((a for a in self.algorithms if a in HMAC_ALGORITHMS), None)

    def unknown(self, scopes: list[str]) -> list[str]:
        """The requested scopes the contract does not define, in the order given."""
        return [s for s in dict.fromkeys(scopes) if s not in self.scopes]


def contract_scopes(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Scopes of the contract's token schemes: OAuth2 flows' scopes and those requirements name."""
    schemes = read_schemes(document)
    jwt = {name for name, scheme in schemes.items() if scheme.kind is SchemeKind.JWT}
    found: dict[str, None] = {}
    raw = document.get("components", {}).get("securitySchemes", {})
    for name in sorted(jwt):
        flows = raw[name].get("flows") if isinstance(raw[name], Mapping) else None
        for flow in flows.values() if isinstance(flows, Mapping) else ():
            scopes = flow.get("scopes") if isinstance(flow, Mapping) else None
            found.update(dict.fromkeys(map(str, scopes or ())))
    requirements = [*operation_security(document).values()]
    for alternatives in requirements:
        for requirement in alternatives:
            for name, scopes in requirement:
                if name in jwt:
                    found.update(dict.fromkeys(map(str, scopes)))
    return tuple(sorted(found))


def token_app(app: FastAPI) -> TokenApp:
    """Read `app`'s JWT verifier, settings prefix and contract (AppLoadError if it has none)."""
    package = package_of(app)
    if package is None:
        raise AppLoadError("the app serves no routes of a specfirst-generated package")
    auth = getattr(app.state, "auth", None)
    verifier = getattr(auth, "jwt", None)
    if verifier is None:
        raise AppLoadError(f"the app has no JWT verifier ({package}.security was not configured)")
    settings = getattr(app.state, "settings", None)
    if settings is None:
        settings = importlib.import_module(f"{package}.settings").Settings()
    prefix = str(type(settings).model_config.get("env_prefix") or "")
    document = importlib.import_module(f"{package}.contract").contract()
    secret: bytes | None = verifier.secret
    return TokenApp(
        package=package,
        env_prefix=prefix,
        secret=secret.decode() if secret else None,
        algorithms=tuple(verifier.algorithms),
        issuer=verifier.issuer,
        audience=verifier.audience,
        scopes=contract_scopes(document),
        asymmetric=verifier.configured and verifier.secret is None,
    )
