"""Hardening: HTTP security headers (and, as issue 7 proceeds, accounts and sessions)."""
