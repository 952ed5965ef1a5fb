"""Absolute URLs of the API's resources, for `Location` headers (`format: uri`)."""

from __future__ import annotations

from dataclasses import dataclass

from generated.showcase import RequestContext
from generated.showcase.contract import MOUNT_PREFIX


@dataclass(frozen=True)
class Links:
    """URLs on `public_url` (set it behind a proxy), else on the request's base URL.

    The request's base URL uses its `Host` header only when that is a valid authority
    (Starlette falls back to the server's address), so a client cannot slip a path or
    anything else into a `Location`.
    """

    public_url: str | None = None

    def url(self, context: RequestContext, path: str) -> str:
        """The absolute URL of a path of the API.

        >>> Links("https://api.example.com/").url(context=None, path="/books/42")
        'https://api.example.com/showcase/v2/books/42'
        """
        base = self.public_url.rstrip("/") if self.public_url else context.base_url
        return f"{base}{MOUNT_PREFIX}{path}"
