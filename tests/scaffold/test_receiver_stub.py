"""scaffold's receiver stub: `WebhookReceiverImpl` implements the generated `WebhookReceiver`
Protocol method for method, answers 501 until written, and is only ever added to."""

from __future__ import annotations

import ast
import importlib.util
import json
import time
from pathlib import Path
from types import ModuleType

from fastapi.testclient import TestClient

from generated.showcase import Settings, webhooks
from generated.showcase.runtime import webhook_signing
from generator.pipeline import api_of, check_contract
from generator.scaffold import RECEIVER_IMPL, receiver_file, render_stubs, scaffold_contract

ROOT = Path(__file__).parents[2]
SHOWCASE = ROOT / "specs" / "showcase.yaml"
SECRET = "a-plain-secret-for-the-receiver-stub"
PACKAGE = "generated.showcase"


def _methods(source: str, cls: str) -> dict[str, str]:
    """Each method of `cls`: its arguments and return annotation, as text."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            return {
                item.name: f"({ast.unparse(item.args)}) -> {ast.unparse(item.returns or ast.Constant(None))}"
                for item in node.body
                if isinstance(item, ast.AsyncFunctionDef)
            }
    raise AssertionError(f"no class {cls}")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("receiver_stub_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_receiver_stub_has_the_protocols_signatures() -> None:
    checked = check_contract(SHOWCASE)
    assert checked.spec is not None
    api = api_of(checked.spec, label="specs/showcase.yaml", package="showcase")
    assert receiver_file(api) == "webhook_receiver.py"
    stubs = render_stubs(api, PACKAGE)
    protocol = _methods((ROOT / "generated/showcase/webhooks.py").read_text(), "WebhookReceiver")
    stub = _methods(stubs["webhook_receiver.py"], RECEIVER_IMPL)
    assert stub == protocol and set(stub) == {"notify_loan_due", "import_finished"}


def test_a_contract_without_events_gets_no_receiver_stub() -> None:
    checked = check_contract(ROOT / "specs" / "users.yaml")
    assert checked.spec is not None
    api = api_of(checked.spec, label="specs/users.yaml", package="users")
    assert receiver_file(api) is None
    assert not any("receiver" in name for name in render_stubs(api, "generated.users"))


def test_the_scaffolded_receiver_answers_501_until_a_method_is_written(tmp_path: Path) -> None:
    first = scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    assert first.report is not None and "webhook_receiver.py" in first.report.created
    stub = _load(tmp_path / "webhook_receiver.py")
    impl = getattr(stub, RECEIVER_IMPL)()
    assert webhooks.WebhookReceiver in type(impl).__mro__
    app = webhooks.create_receiver_app(impl, settings=Settings(webhook_secrets=[SECRET]))
    body = json.dumps(
        {
            "event": "loan.due",
            "id": "2c9d4e6f-8a1b-4c3d-9e5f-7a6b5c4d3e2f",
            "occurred_at": "2025-05-29T06:00:00Z",
            "loan_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "book_id": 42,
            "due_on": "2025-05-30",
        }
    ).encode()
    stamp = int(time.time())
    headers = {
        "webhook-id": "msg_stub",
        "webhook-timestamp": str(stamp),
        "webhook-signature": webhook_signing.sign(SECRET, "msg_stub", stamp, body),
        "content-type": "application/json",
    }
    with TestClient(app) as client:
        answer = client.post("/webhooks/notify_loan_due", content=body, headers=headers)
        again = client.post("/webhooks/notify_loan_due", content=body, headers=headers)
    assert answer.status_code == 501, answer.text
    # the showcase's error shape for 501 (its `Error` schema), as for an unimplemented operation
    assert answer.json() == {
        "code": "not_implemented",
        "message": "The 'loanDue' event is not implemented yet.",
    }
    assert again.status_code == 501  # the id was released: the sender's retry is not a replay


def test_a_second_run_appends_only_the_missing_event(tmp_path: Path) -> None:
    scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    path = tmp_path / "webhook_receiver.py"
    text = path.read_text(encoding="utf-8")
    start = text.index("    async def import_finished(")
    written = "        return None  # hand-written\n"
    edited = text[:start].replace("        raise NotImplementedError\n", written)
    path.write_text(edited, encoding="utf-8")
    again = scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    assert again.report is not None
    [added] = [a for a in again.report.added if a.file == "webhook_receiver.py"]
    assert added.methods == ("import_finished",)
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith(edited.rstrip("\n")) and written in merged
    assert _methods(merged, RECEIVER_IMPL).keys() == {"notify_loan_due", "import_finished"}
    third = scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    assert third.report is not None and "webhook_receiver.py" in third.report.unchanged
    assert path.read_text(encoding="utf-8") == merged


def test_a_method_whose_event_is_gone_is_reported_and_kept(tmp_path: Path) -> None:
    scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    path = tmp_path / "webhook_receiver.py"
    gone = (
        "\n    async def book_returned(self, *, delivery: webhook_receive.Delivery) -> None:\n"
        '        """POST webhook bookReturned: A book came back"""\n'
        "        return None\n"
        "\n    async def audit(self) -> None:\n"  # a helper of the user's own: not an orphan
        '        """Mine."""\n'
    )
    path.write_text(path.read_text(encoding="utf-8") + gone, encoding="utf-8")
    again = scaffold_contract(SHOWCASE, tmp_path, package=PACKAGE, label="showcase")
    assert again.report is not None
    [orphan] = again.report.orphans
    assert (orphan.file, orphan.impl, orphan.method) == (
        "webhook_receiver.py",
        RECEIVER_IMPL,
        "book_returned",
    )
    assert "book_returned" in path.read_text(encoding="utf-8")
