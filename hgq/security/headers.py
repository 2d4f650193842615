"""Security headers on every response (OWASP ASVS 5.0 §3.4, 等保 application hardening).

The Content-Security-Policy allows scripts only from this origin: pages carry no
inline script and no inline event handler (charts read their data from JSON data
blocks, which are not executed). Inline ``style`` attributes remain allowed — they
cannot run code — so ``style-src`` keeps ``'unsafe-inline'``. Nothing is loaded from
another origin (every asset is vendored under ``static/``).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# HSTS only over HTTPS (a browser ignores it over HTTP, and a zone testing on plain
# HTTP must not be locked out of its own server for a year).
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
