"""Accounts: departments, users, roles, and signing in and out."""
