"""serve: build the app for a contract or a generated package (optionally mocked) and run uvicorn.

`prepare_service` is the stage: a contract is generated first (into `output`, or a temporary
folder), a package is imported, `--impl module:factory` replaces the package's own
`create_app`, and `--mock` puts a mock behind every implementation. `run` hands the app to
uvicorn, the one module that imports it.
"""

from __future__ import annotations

import importlib
import importlib.util
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI

from generator.apps import AppLoadError, importable, load_app, package_of
from generator.config import CONTRACT_SUFFIXES
from generator.naming import snake_name
from generator.pipeline import Generated, contract_label, generate_contract


@dataclass
class Service:
    """What `serve` runs: the app, the package it was generated as, and a folder to clean up."""

    app: FastAPI
    package: str
    title: str
    mock: bool
    prefix: str
    temporary: Path | None = None
    skip_auth: bool = False
    warnings: tuple[str, ...] = ()


@dataclass
class NotGenerated:
    """A contract that could not be generated; its diagnostics say why."""

    generated: Generated


def is_contract(target: str) -> bool:
    """True when `target` names a contract file rather than a package import path."""
    path = Path(target)
    return path.suffix.lower() in CONTRACT_SUFFIXES or path.is_file()


def package_folder(contract: Path, output: Path | None) -> tuple[Path, Path | None]:
    """Where to generate `contract` for serving, and the temporary folder to remove after."""
    if output is not None:
        return output, None
    name = snake_name(contract.stem, reserved=frozenset())
    if importlib.util.find_spec(name) is not None:  # never shadow an importable module
        name += "_service"
    temporary = Path(tempfile.mkdtemp(prefix="specfirst-serve-"))
    return temporary / name, temporary


def prepare_service(
    target: str,
    *,
    mock: bool,
    impl: str | None = None,
    output: Path | None = None,
    skip_auth: bool = False,
) -> Service | NotGenerated:
    """Generate (for a contract) and import the package, build the app, install the mocks.

    `skip_auth` (with `mock` only: front-end work) lets every request in as a user holding
    every scope the contract names; everything else is answered exactly as before.
    """
    temporary: Path | None = None
    if is_contract(target):
        folder, temporary = package_folder(Path(target), output)
        generated = generate_contract(Path(target), folder, label=contract_label(Path(target)))
        if generated.report is None:
            return NotGenerated(generated)
        importable(folder.parent)
        package_name = folder.name
    else:
        package_name = target
    package = _import(package_name)
    app = load_app(impl) if impl else package.create_app()
    served = package_of(app) or package_name
    served_package = package if served == package_name else _import(served)
    if mock:
        from generator.mock.service import mock_app, open_auth

        mock_app(served_package, app)
        if skip_auth:
            open_auth(served_package, app)
    contract_module = _import(f"{package_name}.contract")
    return Service(
        app=app,
        package=package_name,
        title=str(app.title),
        mock=mock,
        prefix=str(contract_module.MOUNT_PREFIX),
        temporary=temporary,
        skip_auth=mock and skip_auth,
        warnings=() if mock and skip_auth else key_warnings(served_package, app, mock=mock),
    )


def key_warnings(package: ModuleType, app: FastAPI, *, mock: bool) -> tuple[str, ...]:
    """Why every bearer-token request will answer 401: no key to verify with, and what to set."""
    schemes = importlib.import_module(f"{package.__name__}.security").SCHEMES
    bearer = sorted(scheme.name for scheme in schemes.values() if scheme.kind == "jwt")
    verifier = getattr(getattr(app.state, "auth", None), "jwt", None)
    if not bearer or verifier is None or verifier.configured:
        return ()
    settings = getattr(app.state, "settings", None)
    prefix = str(type(settings).model_config.get("env_prefix") or "") if settings else ""
    way_round = "; or serve --mock --skip-auth to let every request in" if mock else ""
    return (
        f"no key to verify bearer tokens ({', '.join(bearer)}): every request that needs one "
        f"answers 401. Set {prefix}JWT_SECRET (32+ bytes; `specfirst token` mints with it), "
        f"or {prefix}JWT_PUBLIC_KEY, {prefix}JWT_JWKS_URL{way_round}",
    )


def _import(name: str) -> ModuleType:
    importable()
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise AppLoadError(f"cannot import the generated package {name!r}: {exc}") from None


def run(app: FastAPI, *, host: str, port: int) -> None:
    """Serve `app` until interrupted (uvicorn handles Ctrl-C and shuts down cleanly)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")
