"""Enterprises, their key projects, and 联点包保 assignments."""
