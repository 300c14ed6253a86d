"""The DuckDB database: schema, migrations, transactional writes and read-only SQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from kb.errors import NotFoundError, QueryError, ReadOnlyError

SCHEMA_VERSION = 1

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    CREATE TABLE files (
        path VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, report_date DATE,
        papers INTEGER NOT NULL, ingested_at TIMESTAMP NOT NULL
    );
    CREATE TABLE papers (
        paper_id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, date DATE NOT NULL,
        url VARCHAR NOT NULL, arxiv_url VARCHAR NOT NULL, pdf_url VARCHAR NOT NULL,
        read_source VARCHAR, domains VARCHAR[] NOT NULL, domain_text VARCHAR,
        contribution VARCHAR, model_sizes VARCHAR[], hardware VARCHAR[],
        code_status VARCHAR, code_url VARCHAR, datasets VARCHAR[],
        content_hash VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL
    );
    CREATE TABLE appearances (
        paper_id VARCHAR NOT NULL, date DATE NOT NULL, source_file VARCHAR NOT NULL,
        PRIMARY KEY (paper_id, date, source_file)
    );
    CREATE TABLE sections (
        paper_id VARCHAR NOT NULL, section VARCHAR NOT NULL, label VARCHAR NOT NULL,
        ordinal INTEGER NOT NULL, text VARCHAR NOT NULL, PRIMARY KEY (paper_id, ordinal)
    );
    CREATE TABLE chunks (
        chunk_id BIGINT PRIMARY KEY, paper_id VARCHAR NOT NULL, section VARCHAR NOT NULL,
        ordinal INTEGER NOT NULL, text VARCHAR NOT NULL, embed_text VARCHAR NOT NULL
    );
    CREATE TABLE embeddings (chunk_id BIGINT PRIMARY KEY, vector BLOB NOT NULL);
    CREATE TABLE links (paper_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, url VARCHAR NOT NULL);
    CREATE TABLE metrics (
        paper_id VARCHAR NOT NULL, benchmark VARCHAR, metric VARCHAR, value DOUBLE NOT NULL,
        unit VARCHAR, direction VARCHAR NOT NULL, baseline DOUBLE, comparison VARCHAR,
        evidence VARCHAR NOT NULL, section VARCHAR NOT NULL
    );
    CREATE VIEW paper_metrics AS
        SELECT p.paper_id, p.title, p.date, p.domains, m.benchmark, m.metric, m.value, m.unit,
               m.direction, m.baseline, m.comparison, m.evidence
        FROM metrics m JOIN papers p USING (paper_id);
    CREATE VIEW domain_counts AS
        SELECT a.date, date_trunc('week', a.date)::DATE AS week, d.domain, count(DISTINCT a.paper_id) AS papers
        FROM appearances a JOIN (SELECT paper_id, unnest(domains) AS domain FROM papers) d USING (paper_id)
        GROUP BY ALL;
    CREATE VIEW benchmarks AS
        SELECT benchmark, count(DISTINCT paper_id) AS papers, list(DISTINCT paper_id) AS paper_ids,
               max(value) AS max_value, min(value) AS min_value
        FROM metrics WHERE benchmark IS NOT NULL GROUP BY benchmark;
    """,
)

# Tables a user's SQL sees; listed in error messages so a typo is easy to fix.
USER_TABLES = ("papers", "appearances", "sections", "chunks", "links", "metrics", "files", "meta")
USER_VIEWS = ("paper_metrics", "domain_counts", "benchmarks")

_READ_ONLY_TYPES = {"SELECT", "EXPLAIN"}


def connect_read(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch other files or load extensions."""
    if not db_path.exists():
        raise NotFoundError(
            f"no knowledge base at {db_path.parent}; build one with `kb --kb {db_path.parent} ingest data/`"
        )
    config = {"enable_external_access": False, "lock_configuration": True}
    try:
        return duckdb.connect(str(db_path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise QueryError(f"cannot open {db_path}: {exc}; run `kb doctor` to check it") from None


@contextmanager
def write_copy(db_path: Path, scratch: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database inside one transaction.

    On success the transaction is committed and checkpointed into `scratch`;
    the caller swaps it in with `publish`. On failure `scratch` is removed and
    the live database is untouched, so readers never see a half-written state.
    With `fresh` the copy starts empty (a rebuild).
    """
    scratch.unlink(missing_ok=True)
    if db_path.exists() and not fresh:
        shutil.copyfile(db_path, scratch)
    con = duckdb.connect(str(scratch))
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        scratch.unlink(missing_ok=True)
        Path(f"{scratch}.wal").unlink(missing_ok=True)
        raise
    con.close()


def publish(scratch: Path, db_path: Path) -> None:
    """Atomically replace the live database with the committed copy."""
    with open(scratch, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(scratch, db_path)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the database; 0 for an empty one."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the schema up to `SCHEMA_VERSION`, one recorded step at a time."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise QueryError(
            f"this knowledge base has schema version {version}, newer than this kb "
            f"({SCHEMA_VERSION}); upgrade kb"
        )
    for step in range(version, SCHEMA_VERSION):
        con.execute(MIGRATIONS[step])
        set_meta(con, {"schema_version": str(step + 1)})


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """All key/value pairs of the `meta` table."""
    if schema_version(con) == 0:
        return {}
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def set_meta(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    """Insert or overwrite `meta` entries."""
    for key, value in values.items():
        con.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, Sequence[Any]]) -> None:
    """Insert many rows given column-wise, in one statement (row-by-row inserts are slow in DuckDB)."""
    names = list(columns)
    lengths = {len(v) for v in columns.values()}
    if lengths == {0}:
        return
    if len(lengths) != 1:
        raise ValueError(f"columns for {table} have different lengths: {lengths}")
    params = [list(columns[n]) for n in names]
    # Zipping unnest() calls in one SELECT turns parallel lists into rows.
    select = ", ".join(f"unnest(${i + 1}) AS {n}" for i, n in enumerate(names))
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select}", params)


def delete_papers(con: duckdb.DuckDBPyConnection, paper_ids: Iterable[str], *, keep_appearances: bool) -> None:
    """Remove the derived rows of papers (sections, chunks, links, metrics, papers)."""
    ids = list(paper_ids)
    if not ids:
        return
    tables = ["sections", "chunks", "links", "metrics", "papers"]
    if not keep_appearances:
        tables.append("appearances")
    for table in tables:
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, paper_id)", [ids])


def check_read_only(sql: str) -> None:
    """Refuse anything but SELECT/EXPLAIN statements, naming what was refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL syntax error: {_first_line(exc)}") from None
    if not statements:
        raise QueryError("the SQL statement is empty; try `kb sql \"SELECT * FROM papers LIMIT 5\"`")
    for statement in statements:
        kind = statement.type.name
        if kind not in _READ_ONLY_TYPES:
            raise ReadOnlyError(
                f"`kb sql` is read-only and refuses {kind} statements; only SELECT queries run here"
            )


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run read-only SQL and return (column names, rows), with errors that list the tables."""
    check_read_only(sql)
    try:
        cursor = con.execute(sql, params or [])
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description or []]
    except duckdb.Error as exc:
        raise QueryError(f"{_first_line(exc)}. {describe_tables(con)}") from None
    return columns, rows


def describe_tables(con: duckdb.DuckDBPyConnection) -> str:
    """One line per table and view naming its columns, for error messages."""
    rows = con.execute(
        "SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) "
        "FROM information_schema.columns WHERE list_contains(?, table_name) GROUP BY table_name "
        "ORDER BY table_name",
        [list(USER_TABLES + USER_VIEWS)],
    ).fetchall()
    return "Available: " + "; ".join(f"{t}({c})" for t, c in rows)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0].rstrip(".")
