"""Registry tests: each runs against SQLite (a temporary file) and PostgreSQL."""
