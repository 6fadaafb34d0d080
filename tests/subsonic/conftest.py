import hashlib
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Track
from subsonic.selectors import SubsonicSecrets
from subsonic.services import subsonic_credentials_reset
from tests.accounts.factories import UserFactory
from tests.streaming.conftest import Clock, clock, published_track  # noqa: F401


@pytest.fixture
def listener(db: None) -> User:
    return UserFactory(username="ada")


@pytest.fixture
def secrets(listener: User) -> SubsonicSecrets:
    return subsonic_credentials_reset(user=listener)


def token_params(secrets: SubsonicSecrets, salt: str = "c19b2d") -> dict[str, str]:
    token = hashlib.md5(f"{secrets.password}{salt}".encode(), usedforsecurity=False).hexdigest()
    return {"u": secrets.username, "t": token, "s": salt, "v": "1.16.1", "c": "tests"}


class Subsonic:
    """A client of /rest/ through Django's test client, authenticated with the listener's token."""

    def __init__(self, client: Client, secrets: SubsonicSecrets) -> None:
        self.client = client
        self.secrets = secrets

    def get(self, name: str, fmt: str = "json", **params: Any) -> Any:
        response = self.client.get(f"/rest/{name}", {**token_params(self.secrets), "f": fmt, **params})
        assert response.status_code == 200, response.content
        return response.json()["subsonic-response"] if fmt == "json" else response

    def ok(self, name: str, **params: Any) -> dict[str, Any]:
        body = self.get(name, **params)
        assert body["status"] == "ok", body
        return body

    def error(self, name: str, **params: Any) -> int:
        body = self.get(name, **params)
        assert body["status"] == "failed", body
        return int(body["error"]["code"])


@pytest.fixture
def subsonic(client: Client, secrets: SubsonicSecrets) -> Subsonic:
    return Subsonic(client, secrets)


@pytest.fixture
def track(published_track: Track) -> Track:  # noqa: F811
    return published_track
