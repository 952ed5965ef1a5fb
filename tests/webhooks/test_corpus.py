"""Every corpus contract with webhooks, `x-webhooks` or callbacks generates senders and receivers.

Each generates (into a temporary folder), no longer gets a `not-generated` notice for an event
it generated, and its package, webhooks.py included, imports and passes `mypy --strict`; one
whose every event is reported instead (PagerDuty REST's callback key is `endpoint_url`, not a
runtime expression: `callback-expression`) is skipped with that finding.
Skipped when ../shared/corpus is absent. The default run takes a representative subset;
`SPECFIRST_LARGE_CORPUS=1` takes all of them (OpenAI and PagerDuty take minutes each).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import generate_contract

CORPUS = Path(__file__).parents[3] / "shared" / "corpus"
SUBSET = (
    "oai-examples/v3.1/webhook-example.yaml",
    "oai-examples/v3.0/callback-example.yaml",
    "oai-examples/v3.1/tictactoe.yaml",
    "real-world/adyen-transfer-notification-v3.json",
)
LARGE = (
    "real-world/redocly-museum.yaml",
    "real-world/resend.yaml",
    "real-world/clerk-webhooks-2025-04-15.yaml",
    "large/openai.yaml",
    "large/pagerduty-rest.json",
)
ALL = bool(os.environ.get("SPECFIRST_LARGE_CORPUS"))


def _cases() -> list[str]:
    return [*SUBSET, *(LARGE if ALL else ())]


@pytest.mark.parametrize("relative", _cases())
def test_events_generate_import_and_type_check(relative: str, tmp_path: Path) -> None:
    contract = CORPUS / relative
    if not contract.is_file():
        pytest.skip(f"{contract} is absent")
    package = "corpus_" + "".join(c if c.isalnum() else "_" for c in contract.stem).lower()
    result = generate_contract(contract, tmp_path / package, label=contract.name)
    errors = [d for d in result.checked.diagnostics if d.is_error]
    if result.report is None:
        pytest.skip(f"{relative} does not generate yet: {errors[:1]}")
    notices = [d for d in result.checked.diagnostics if d.rule == "not-generated"]
    assert all("is not JSON" in d.message for d in notices), notices
    module = tmp_path / package / "webhooks.py"
    if not module.is_file():  # PagerDuty REST: its one callback's key is "endpoint_url"
        skipped = [d for d in result.checked.diagnostics if d.rule == "callback-expression"]
        assert skipped or notices, "events were dropped without a finding"
        pytest.skip(f"{relative}: no event generates ({(skipped or notices)[0].message})")
    text = module.read_text(encoding="utf-8")
    assert "class WebhookSender" in text and "class WebhookReceiver(Protocol)" in text
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    imported = subprocess.run(
        [sys.executable, "-c", f"import {package}.webhooks as w; w.create_receiver_app()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"), package],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
