"""Storage: tables, the repository, the database and its migrations."""
