"""`python -m examples.users serve`: uvicorn with every setting that matters stated, not defaulted.

uvicorn's defaults are made for development, and three of them are holes in production
(issue 22):

- it trusts `X-Forwarded-For` from 127.0.0.1 (`proxy_headers=True`,
  `forwarded_allow_ips="127.0.0.1"`), so any client on the host, or any local proxy that
  passes the header through, chooses the address its rate limits are counted under. Here
  forwarded headers are off unless `USERS_TRUSTED_PROXIES` names the proxies;
- with httptools (picked when installed) no request-header size limit exists at all: a
  64 MiB header is read into memory. h11 has one (`h11_max_incomplete_event_size`), set here
  from `USERS_MAX_HEADER_BYTES`; past it the client gets `400` and the connection closes;
- no timeout applies while a new connection sends its request headers (`timeout_keep_alive`
  only starts after a response), and the parser's own `400`s carry no security headers:
  uvicorn offers no setting for either, so the README's production section puts a reverse
  proxy in front for both.
"""

from __future__ import annotations

from typing import Any

import uvicorn

from .settings import ServiceSettings

FACTORY = "examples.users.app:create_app"


def server_options(
    settings: ServiceSettings, *, host: str, port: int, workers: int
) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run`, from the service's settings.

    >>> server_options(ServiceSettings(), host="127.0.0.1", port=8000, workers=1)["proxy_headers"]
    False
    """
    trusted = settings.trusted_proxies
    return {
        "app": FACTORY,
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "http": "h11",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": ",".join(trusted) if trusted else "",
        "timeout_keep_alive": settings.keep_alive_seconds,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
        "server_header": False,  # no version advertised
        "access_log": False,  # `logs.AccessLogMiddleware` logs every request, without queries
        "log_config": None,  # `create_app` configures logging (JSON)
    }


def serve(settings: ServiceSettings, *, host: str, port: int, workers: int) -> None:
    """Run the service until SIGTERM/SIGINT (graceful: see `outages.StopOnSignal`)."""
    uvicorn.run(**server_options(settings, host=host, port=port, workers=workers))
