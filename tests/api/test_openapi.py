"""The OpenAPI description is public and describes every /api/v1 route."""

import re

import pytest

from tests.api import Api

PREFIX = "/api/v1"


def spec_path(rule: str) -> str:
    """/api/v1/cases/<int:case_id> → /cases/{case_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)[len(PREFIX) :]


def test_spec_is_public_json(zone, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in spec["components"]["schemas"]


def test_every_route_is_described_with_its_methods(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    routes = [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")]
    assert len(routes) >= 10
    for rule in routes:
        path = spec_path(rule.rule)
        assert path in spec["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (rule.rule, method)
        for argument in rule.arguments:
            operation = next(iter(spec["paths"][path].values()))
            names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in operation["parameters"]}
            assert argument in names, (rule.rule, argument)


def test_nothing_described_that_does_not_exist(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            routes.setdefault(spec_path(rule.rule), set()).update(m.lower() for m in rule.methods)
    for path, operations in spec["paths"].items():
        assert path in routes, path
        assert set(operations) - {"parameters"} <= routes[path], path


def test_documented_enums_match_the_api(zone, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    channels = {c["code"] for c in Api(client, "officer1").get("/channels").get_json()}
    assert set(spec["components"]["schemas"]["Case"]["properties"]["channel"]["enum"]) == channels
    action_enum = spec["components"]["schemas"]["ActionRequest"]["properties"]["action"]["enum"]
    assert set(action_enum) == {
        "urge",
        "request_extension",
        "approve_extension",
        "refuse_extension",
        "pause",
        "resume",
        "accept",
        "note",
        "reply",
        "escalate",
        "resolve",
        "rate",
        "reopen",
        "close",
        "reject",
        "withdraw",
    }


def test_a_case_has_every_documented_required_field(zone, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    case = Api(client, "ent_a").create().get_json()
    schema = spec["components"]["schemas"]["Case"]
    assert set(schema["required"]) <= set(case)
    assert set(case) - {"events"} <= set(schema["properties"])
    event_schema = spec["components"]["schemas"]["Event"]
    assert set(case["events"][0]) <= set(event_schema["properties"])


def test_spec_validates(client):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(client.get("/api/v1/openapi.json").get_json())
