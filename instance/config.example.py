# Copy to instance/config.py to override settings for this installation.
# Environment variables HGQ_<NAME> override this file (e.g. HGQ_DATABASE_URL).

# DATABASE_URL = "postgresql+psycopg://hgq@127.0.0.1:5432/hgq"
# PASSWORD_HASH_METHOD = "scrypt"
# ITEMS_PER_PAGE = 20
