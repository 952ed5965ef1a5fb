"""Standard Webhooks signatures: the published test vector, rotation, several signatures."""

from __future__ import annotations

from types import ModuleType

import pytest

# The Standard Webhooks specification's published test vector.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID, STAMP, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_published_vector_is_reproduced(hooks: ModuleType) -> None:
    signing = hooks.runtime.webhook_signing
    assert signing.sign(SECRET, MSG_ID, STAMP, BODY) == EXPECTED
    assert signing.signature_matches([SECRET], MSG_ID, STAMP, BODY, EXPECTED)


@pytest.mark.parametrize(
    ("msg_id", "stamp", "body"),
    [("msg_other", STAMP, BODY), (MSG_ID, STAMP + 1, BODY), (MSG_ID, STAMP, BODY + b" ")],
)
def test_any_change_breaks_the_signature(
    hooks: ModuleType, msg_id: str, stamp: int, body: bytes
) -> None:
    assert not hooks.runtime.webhook_signing.signature_matches(
        [SECRET], msg_id, stamp, body, EXPECTED
    )


def test_rotation_and_several_signatures(hooks: ModuleType) -> None:
    signing = hooks.runtime.webhook_signing
    new = signing.sign("a-new-plain-secret", MSG_ID, STAMP, BODY)
    header = f"v2,abc v1,!!notbase64 {new} {EXPECTED}"
    assert signing.signature_matches(["whsec_" + "AAAA", SECRET], MSG_ID, STAMP, BODY, EXPECTED)
    assert signing.signature_matches(["a-new-plain-secret"], MSG_ID, STAMP, BODY, header)
    assert not signing.signature_matches(["another"], MSG_ID, STAMP, BODY, header)
    assert not signing.signature_matches([SECRET], MSG_ID, STAMP, BODY, "v2," + EXPECTED[3:])


def test_a_whsec_secret_must_be_base64(hooks: ModuleType) -> None:
    signing = hooks.runtime.webhook_signing
    assert signing.key_of("plain") == b"plain"
    with pytest.raises(ValueError, match="base64"):
        signing.key_of("whsec_not base64!")
    with pytest.raises(ValueError, match="empty"):
        signing.key_of("")
