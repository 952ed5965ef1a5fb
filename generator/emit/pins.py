"""The version ranges a generated package's requirements.txt asks for.

They are the ranges of specfirst's own `pyproject.toml` for the same packages (the versions
the generated runtime is tested with); `tests/emit/test_pins.py` fails when the two disagree.
"""

from __future__ import annotations

# Distribution name -> requirement line, extras included.
PINS: dict[str, str] = {
    "fastapi": "fastapi>=0.163,<0.170",
    "fastapi-offline": "fastapi-offline>=1.7,<2",
    "httpx": "httpx>=0.28,<0.29",  # the generated client, and a service that sends webhooks
    "httpx-sse": "httpx-sse>=0.4,<0.5",  # the generated client only: Server-Sent Events
    "jsonschema-rs": "jsonschema-rs>=0.29,<1",
    "pydantic": "pydantic>=2.14,<3",
    "pydantic-settings": "pydantic-settings>=2.6,<3",
    "pyjwt": "pyjwt[crypto]>=2.13,<3",
    # only when a body is a form or multipart, or a scheme is HTTP basic
    "python-multipart": "python-multipart>=0.0.20",
    "pwdlib": "pwdlib[argon2]>=0.2,<0.4",
}
# What every generated package imports.
ALWAYS = ("fastapi", "fastapi-offline", "jsonschema-rs", "pydantic", "pydantic-settings", "pyjwt")
