"""Backup and restore: a consistent snapshot of the database with the uploaded files."""
