"""Zone settings an administrator changes at run time (stored in the database)."""
