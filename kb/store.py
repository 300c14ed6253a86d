"""The DuckDB database: schema, migrations, transactional writes and read-only SQL."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from kb.errors import NotFoundError, QueryError, StorageError

SCHEMA_VERSION = 3

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
    # 2: who achieved each figure, canonical benchmarks, domain tags with evidence (issue 13).
    # `kb.facts.refresh_facts` re-extracts the new columns from `sections` after this step.
    """
    ALTER TABLE metrics ADD COLUMN role VARCHAR;
    ALTER TABLE metrics ADD COLUMN compared_to VARCHAR;
    ALTER TABLE metrics ADD COLUMN change_direction VARCHAR;
    ALTER TABLE metrics ADD COLUMN better VARCHAR;
    ALTER TABLE metrics ADD COLUMN qualifier VARCHAR;
    ALTER TABLE metrics ADD COLUMN setting VARCHAR;
    ALTER TABLE metrics ADD COLUMN benchmark_raw VARCHAR;
    CREATE TABLE paper_benchmarks (paper_id VARCHAR NOT NULL, benchmark VARCHAR NOT NULL, benchmark_raw VARCHAR NOT NULL);
    CREATE TABLE paper_domains (paper_id VARCHAR NOT NULL, domain VARCHAR NOT NULL, evidence VARCHAR NOT NULL);
    CREATE OR REPLACE VIEW paper_metrics AS
        SELECT p.paper_id, p.title, p.date, p.domains, m.role, m.benchmark, m.metric, m.value, m.unit,
               m.better, m.baseline, m.compared_to, m.change_direction, m.qualifier, m.setting,
               m.direction, m.comparison, m.evidence, m.section
        FROM metrics m JOIN papers p USING (paper_id);
    CREATE VIEW results AS
        SELECT p.paper_id, p.title, p.date, m.benchmark, m.metric, m.value, m.unit, m.better, m.baseline,
               m.compared_to, m.qualifier, m.setting, m.evidence, m.section
        FROM metrics m JOIN papers p USING (paper_id) WHERE m.role = 'result';
    CREATE OR REPLACE VIEW benchmarks AS
        SELECT b.benchmark, count(DISTINCT b.paper_id) AS papers, list(DISTINCT b.paper_id ORDER BY b.paper_id) AS paper_ids,
               count(m.value) AS results, max(m.value) AS max_value, min(m.value) AS min_value
        FROM paper_benchmarks b
        LEFT JOIN metrics m ON m.paper_id = b.paper_id AND m.benchmark = b.benchmark AND m.role = 'result'
        GROUP BY b.benchmark;
    """,
    # 3: cross-lingual terms (issue 18): pairs each paper writes (`kb.lexicon`), dictionary entries found in the corpus (`kb.terms`).
    """
    CREATE TABLE paper_terms (paper_id VARCHAR NOT NULL, zh VARCHAR NOT NULL, en VARCHAR NOT NULL, count INTEGER NOT NULL);
    CREATE TABLE dictionary_terms (zh VARCHAR NOT NULL, en VARCHAR NOT NULL, sense INTEGER NOT NULL, PRIMARY KEY (zh, en, sense));
    """,
)

# Tables a user's SQL sees; listed in error messages so a typo is easy to fix.
USER_TABLES = ("papers", "appearances", "sections", "chunks", "links", "metrics", "paper_benchmarks",
               "paper_domains", "files", "meta")
USER_VIEWS = ("paper_metrics", "results", "domain_counts", "benchmarks")

# DuckDB may take most of the machine for one query; user SQL gets at most this much per process.
DEFAULT_MEMORY_LIMIT = "2GB"
WRITE_MEMORY_LIMIT = os.environ.get("KB_WRITE_MEMORY_LIMIT", "1GB")
ATTACHED = "kb"
_CURSOR_LOCK = threading.Lock()


def connect_read(db_path: Path, *, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection of its own that cannot touch other files or load extensions.

    The file is attached to a fresh in-memory instance rather than opened with `duckdb.connect`,
    whose per-process instance cache hands a second caller the instance already open on the
    path: after an ingest swapped the file in, that instance still shows the old one.
    """
    if db_path.is_dir():
        raise NotFoundError(f"{db_path} is a folder, not a knowledge-base database; point --kb at the folder that holds kb.duckdb")
    if not db_path.exists():
        if db_path.parent.exists() and not db_path.parent.is_dir():
            raise NotFoundError(f"{db_path.parent} is a file, not a knowledge-base folder; point --kb or KB_DIR at a folder")
        raise NotFoundError(
            f"no knowledge base at {db_path.parent}; build one with `kb --kb {db_path.parent} ingest data/`"
        )
    con = duckdb.connect(":memory:")
    try:
        path = str(db_path).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS {ATTACHED} (READ_ONLY)")
        con.execute(f"USE {ATTACHED}")
        con.execute(f"SET memory_limit = '{memory_limit or DEFAULT_MEMORY_LIMIT}'")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise QueryError(
            f"cannot open {db_path} ({_first_line(exc)}); run `kb doctor` to check it, or rebuild with `kb ingest --rebuild`"
        ) from None
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a read connection for one call: cursors are safe to use from several threads."""
    with _CURSOR_LOCK:  # the parent connection itself is not, and making a cursor uses it
        cur = con.cursor()
    cur.execute(f"USE {ATTACHED}")
    return cur


def file_identity(db_path: Path) -> tuple[int, int, int, int] | None:
    """What changes when an ingest swaps a new database file in; None when there is none."""
    try:
        st = db_path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def write_copy(db_path: Path, scratch: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database inside one transaction.

    On success the transaction is committed and checkpointed into `scratch`;
    the caller swaps it in with `publish`. On failure `scratch` is removed and
    the live database is untouched, so readers never see a half-written state.
    With `fresh` the copy starts empty (a rebuild).
    """
    scratch.unlink(missing_ok=True)
    if db_path.exists():
        refuse_foreign(db_path)
    try:
        if db_path.exists() and not fresh:
            shutil.copyfile(db_path, scratch)
        # DuckDB would otherwise keep most of the machine's memory as block cache while a large
        # ingest writes; past this it evicts (and spills) instead.
        con = duckdb.connect(str(scratch), config={"memory_limit": WRITE_MEMORY_LIMIT})
    except (OSError, duckdb.IOException) as exc:
        _remove_scratch(scratch)
        raise StorageError(f"cannot write {scratch.parent} ({_os_reason(exc)}); free some space or make it writable, then run the ingest again") from None
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except duckdb.OutOfMemoryException:
        con.close()
        _remove_scratch(scratch)
        raise StorageError(
            f"the ingest needed more than DuckDB's {WRITE_MEMORY_LIMIT} write memory limit (nothing was changed); "
            "run it again with a higher limit, e.g. `KB_WRITE_MEMORY_LIMIT=4GB kb ingest ...`"
        ) from None
    except (OSError, duckdb.IOException) as exc:
        con.close()
        _remove_scratch(scratch)
        raise StorageError(f"cannot write {scratch.parent} ({_os_reason(exc)}); free some space or make it writable, then run the ingest again") from None
    except BaseException:
        con.close()
        _remove_scratch(scratch)
        raise
    con.close()


def _remove_scratch(scratch: Path) -> None:
    scratch.unlink(missing_ok=True)
    Path(f"{scratch}.wal").unlink(missing_ok=True)


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _first_line(exc)


def refuse_foreign(db_path: Path) -> None:
    """Refuse to replace a `kb.duckdb` that kb did not write: it may be someone's own database."""
    try:
        con = connect_read(db_path)
    except QueryError:
        raise QueryError(
            f"{db_path} is not a DuckDB database kb can read; move it away or choose another --kb folder"
        ) from None
    try:
        foreign = schema_version(con) == 0 and con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database()"
        ).fetchone()[0] > 0
    finally:
        con.close()
    if foreign:
        raise QueryError(
            f"{db_path} holds tables kb did not write; kb will not replace it: move it away or choose another --kb folder"
        )


def publish(scratch: Path, db_path: Path) -> None:
    """Atomically replace the live database with the committed copy."""
    try:
        with open(scratch, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(scratch, db_path)
    except OSError as exc:
        _remove_scratch(scratch)
        raise StorageError(f"cannot write {db_path.parent} ({_os_reason(exc)}); free some space or make it writable, "
                           "then run the ingest again (nothing was changed)") from None
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the database; 0 for an empty one."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_catalog = current_database()"
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
    tables = ["sections", "chunks", "links", "metrics", "paper_benchmarks", "paper_domains", "paper_terms", "papers"]
    if not keep_appearances:
        tables.append("appearances")
    for table in tables:
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, paper_id)", [ids])


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run kb's own (trusted) SQL on a cursor of its own; user SQL goes through `kb.user_sql`."""
    cur = cursor(con)
    try:
        result = cur.execute(sql, list(params or []))
        return [d[0] for d in result.description or []], result.fetchall()
    finally:
        cur.close()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0].rstrip(".")
