"""The generated client drives the users service over a real socket on 127.0.0.1 (issue 21).

The client is `generated/users_client`, generated from specs/users.yaml (`client = true`); the
service is the example implementation under uvicorn, in a thread. Every operation is called through the
client, with the credentials each needs, and each answer arrives as its typed result.
"""

from __future__ import annotations

import asyncio
import importlib
import socket
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from examples.users.app import build_app

from .backends import Backend
from .conftest import process_wide_settings
from .service import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, fast_passwords, settings_for


@pytest.fixture(scope="module")
def users() -> ModuleType:
    """The committed client package, `generated/users_client` (the golden test keeps it equal
    to what specs/users.yaml generates)."""
    return importlib.import_module("generated.users_client")


@pytest.fixture
def base_url(backend: Backend) -> Iterator[str]:
    """The users service listening on 127.0.0.1 (a free port), stopped after the test."""
    with process_wide_settings():
        app = build_app(settings_for(backend.url), passwords=fast_passwords())
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    pytest.fail("the service did not start")
                thread.join(0.02)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join()
            sock.close()


async def _sign_in(client: Any, users: ModuleType, email: str, password: str) -> Any:
    form = users.models.TokenRequest(grant_type="password", username=email, password=password)
    result = await client.issue_token(body=form)
    assert isinstance(result, users.results.IssueTokenOk), result
    return result


async def _scenario(users: ModuleType, base: str) -> None:
    results, models = users.results, users.models
    async with users.AsyncClient(base) as client:
        live = await client.check_liveness()
        assert isinstance(live, results.CheckLivenessOk) and live.body.status == "ok"
        assert isinstance(await client.check_readiness(), results.CheckReadinessOk)
        anonymous = await client.get_current_user()
        assert isinstance(anonymous, results.GetCurrentUserUnauthorized)
        assert anonymous.www_authenticate.startswith("Bearer")

        registration = models.UserRegistration(
            email="ada@example.com", password=PASSWORD, display_name="Ada"
        )
        created = await client.register_user(body=registration)
        assert isinstance(created, results.RegisterUserCreated)
        assert created.location.endswith(str(created.body.id))
        again = await client.register_user(body=registration)
        assert isinstance(again, results.RegisterUserConflict)

        tokens = await _sign_in(client, users, "ada@example.com", PASSWORD)
        assert tokens.cache_control == "no-store"
        client.authorize(users.Credentials(oauth_2=tokens.body.access_token))
        me = await client.get_current_user()
        assert isinstance(me, results.GetCurrentUserOk) and me.body.id == created.body.id
        renamed = await client.update_current_user(body=models.UserUpdate(display_name="Ada L."))
        assert isinstance(renamed, results.UpdateCurrentUserOk)
        assert renamed.body.display_name == "Ada L."
        new_password = "a brand new passphrase 42"
        change = models.PasswordChange(current_password=PASSWORD, new_password=new_password)
        assert isinstance(
            await client.change_password(body=change), results.ChangePasswordNoContent
        )

        fresh = await _sign_in(client, users, "ada@example.com", new_password)
        refresh = models.RefreshTokenRequest(refresh_token=fresh.body.refresh_token)
        rotated = await client.refresh_token(body=refresh)
        assert isinstance(rotated, results.RefreshTokenOk)
        reused = await client.refresh_token(body=refresh)
        assert isinstance(reused, results.RefreshTokenUnauthorized)

        forbidden = await client.list_users()
        assert isinstance(forbidden, results.ListUsersForbidden)

        admin = await _sign_in(client, users, ADMIN_EMAIL, ADMIN_PASSWORD)
        client.authorize(users.Credentials(oauth_2=admin.body.access_token))
        for n in range(3):
            extra = models.UserRegistration(
                email=f"user{n}@example.com", password=PASSWORD, display_name=f"User {n}"
            )
            assert isinstance(await client.register_user(body=extra), results.RegisterUserCreated)
        pages = [page async for page in client.list_users_pages(per_page=2, sort="email")]
        emails = [user.email for page in pages for user in page.body.items]
        assert len(pages) == 3 and emails == sorted(emails) and len(emails) == 5

        found = await client.get_user(user_id=created.body.id)
        assert isinstance(found, results.GetUserOk) and found.body.email == "ada@example.com"
        update = models.UserAdminUpdate(is_active=False)
        updated = await client.update_user(user_id=created.body.id, body=update)
        assert isinstance(updated, results.UpdateUserOk) and updated.body.is_active is False
        assert isinstance(
            await client.delete_user(user_id=created.body.id), results.DeleteUserNoContent
        )
        gone = await client.get_user(user_id=created.body.id)
        assert isinstance(gone, results.GetUserNotFound)
        assert gone.body.status == 404


def test_the_generated_client_drives_every_operation(users: ModuleType, base_url: str) -> None:
    asyncio.run(_scenario(users, base_url))


def test_the_blocking_client_signs_in_and_reads(users: ModuleType, base_url: str) -> None:
    with users.Client(base_url) as client:
        form = users.models.TokenRequest(
            grant_type="password", username=ADMIN_EMAIL, password=ADMIN_PASSWORD, scope="admin"
        )
        token = client.issue_token(body=form)
        assert isinstance(token, users.results.IssueTokenOk)
        wrong = client.issue_token(
            body=users.models.TokenRequest(
                grant_type="password", username=ADMIN_EMAIL, password="not it at all"
            )
        )
        assert isinstance(wrong, users.results.IssueTokenBadRequest)
        assert wrong.body.error == "invalid_grant"
        client.authorize(users.Credentials(oauth_2=token.body.access_token))
        listed = client.list_users(per_page=1)
        assert isinstance(listed, users.results.ListUsersOk)
        assert listed.body.total == 1 and listed.body.items[0].email == ADMIN_EMAIL
