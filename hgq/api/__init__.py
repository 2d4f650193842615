"""The JSON API (/api/v1): bearer tokens, enterprises, cases and their actions."""
