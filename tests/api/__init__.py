"""Tests of the JSON API. ``Api`` is a test client that carries one user's token."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD


def get_token(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def assert_error(response: TestResponse, status: int, code: str, *fields: str) -> dict[str, Any]:
    """The response is the API's error shape with this status and code, naming ``fields``."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code, error
    assert error["message"]
    assert set(fields) <= set(error["fields"]), error
    return error


class Api:
    """Requests as one user, with a bearer token."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        self.token = get_token(client, username)
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.client.post(f"/api/v1{path}", json=json, headers=self.headers, **kw)

    def delete(self, path: str) -> TestResponse:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def case(self, case_id: int) -> dict[str, Any]:
        response = self.get(f"/cases/{case_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def act(self, case_id: int, action: str, **fields: Any) -> TestResponse:
        """Take ``action`` against the case's current version (unless given)."""
        if "version" not in fields:
            fields["version"] = self.case(case_id)["version"]
        return self.post(f"/cases/{case_id}/actions", json={"action": action, **fields})

    def ok(self, case_id: int, action: str, **fields: Any) -> dict[str, Any]:
        response = self.act(case_id, action, **fields)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def create(self, **fields: Any) -> TestResponse:
        body = {"title": "厂房用地手续办理", "description": "二期厂房用地规划许可迟迟未批。"}
        body.setdefault("category", "land")
        return self.post("/cases", json={**body, **fields})
