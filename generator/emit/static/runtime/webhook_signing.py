"""Standard Webhooks signatures (https://www.standardwebhooks.com): sign and verify.

A delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`,
a space-separated list of `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. A secret written
`whsec_<base64>` is the base64-decoded key (the form Standard Webhooks and Svix hand out); any
other secret is its UTF-8 bytes. Several secrets verify (key rotation) and several signatures
may be sent; one match is enough, compared in constant time:

>>> sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
...      1614265330, b'{"test": 2432232314}')
'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

__all__ = ["ID", "SIGNATURE", "TIMESTAMP", "key_of", "sign", "signature_matches"]

ID, TIMESTAMP, SIGNATURE = "webhook-id", "webhook-timestamp", "webhook-signature"
PREFIX = "whsec_"


def key_of(secret: str) -> bytes:
    """The HMAC key a secret stands for; ValueError for a `whsec_` secret that is not base64."""
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX) :], validate=True)
        except binascii.Error:
            raise ValueError("a whsec_ webhook secret must be base64 after the prefix") from None
    if not secret:
        raise ValueError("a webhook secret must not be empty")
    return secret.encode()


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one delivery."""
    digest = _digest(key_of(secret), msg_id, timestamp, body)
    return "v1," + base64.b64encode(digest).decode()


def signature_matches(
    secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes, header: str
) -> bool:
    """True when one `v1,` signature of `header` is the HMAC of the delivery under one secret.

    Every pair is compared (no early exit on the secret that matched) with
    `hmac.compare_digest`; signatures of other versions and unreadable ones are skipped.
    """
    sent: list[bytes] = []
    for item in header.split():
        version, _, value = item.partition(",")
        if version != "v1" or not value:
            continue
        try:
            sent.append(base64.b64decode(value, validate=True))
        except binascii.Error:
            continue
    matched = False
    for secret in secrets:
        expected = _digest(key_of(secret), msg_id, timestamp, body)
        for candidate in sent:
            matched |= hmac.compare_digest(expected, candidate)
    return matched
