"""Security headers on every kind of response: pages, errors, the API, static files."""

from __future__ import annotations

import pytest

from hgq.security.headers import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "path", ["/login", "/no-such-page", "/api/v1/openapi.json", "/static/css/hgq.css"]
)
def test_every_response_carries_the_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from disk
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_the_policy_allows_no_inline_script_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://hgq.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_carry_no_inline_script(zone, auth, client):
    auth.login("officer1")
    for path in ["/", "/cases/", "/visits/", "/checklists/", "/notifications/"]:
        response = client.get(path, follow_redirects=True)
        html = response.get_data(as_text=True)
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, (path, head)
        assert " onclick=" not in html and " onload=" not in html, path
