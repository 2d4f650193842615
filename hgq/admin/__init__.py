"""The administrator's dashboard; each domain's admin pages live in its own package."""
