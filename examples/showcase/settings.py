"""All configuration of the showcase service, from the environment (prefix `SHOWCASE_`)."""

from __future__ import annotations

from pydantic import Field

from generated.showcase import Settings

MIB = 1024 * 1024


class ShowcaseSettings(Settings):
    """The generated package's settings plus what this implementation needs.

    Every field reads `SHOWCASE_<NAME>`, for example:

        SHOWCASE_JWT_SECRET=$(openssl rand -hex 32) SHOWCASE_RATE_LIMIT_REQUESTS=100
    """

    # The largest body any operation takes: an e-book file (`uploadBookFile`, 50 MiB). The
    # tighter limits of the other operations are enforced per route (`limits.BodyLimits`).
    max_body_bytes: int = Field(default=50 * MIB, ge=1)
    json_body_limit_bytes: int = Field(default=64 * 1024, ge=1024)

    # Contract, "Rate limiting": requests per credential (or client address) and window.
    rate_limit_requests: int = Field(default=1200, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=3600)

    # Imports run on a simulated clock: queued for this long, then running for this long.
    import_queue_seconds: int = Field(default=2, ge=0, le=3600)
    import_run_seconds: int = Field(default=3, ge=0, le=3600)

    # Where `Location` headers point; by default the request's own scheme and host.
    public_url: str | None = None
    member_loan_limit: int = Field(default=5, ge=1, le=100)
    media_base_url: str = "https://cdn.example.com"
    seed_sample_data: bool = True
