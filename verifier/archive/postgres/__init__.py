"""The archive on a PostgreSQL server (``postgresql://`` addresses): ``store`` (``PgArchive``:
schema, writes, documents) and ``queries`` (retrieval, ranked as SQLite's FTS5 ranks). Needs the
optional extra ``verifier[postgres]`` (psycopg 3 with its connection pool)."""
