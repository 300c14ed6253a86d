"""The one contract for SQL that comes from a person or an agent.

Every surface (`kb sql`, `--where`, the web app, the MCP server) runs user SQL through
`run_select` or `where_papers`: exactly one SELECT (or a plain EXPLAIN of one), on a cursor of
its own so nothing it does outlives the call or shadows the knowledge base's tables, under a
time limit, with a row cap where the caller displays rows. The memory limit is set once per
read-only database instance (`store.connect_read`), since DuckDB holds it per instance.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb

from kb.errors import QueryError, ReadOnlyError
from kb.store import USER_TABLES, USER_VIEWS, run_sql
from kb.store import cursor as cursor_of

DEFAULT_TIMEOUT_S = 10.0
T = TypeVar("T")
_EXAMPLE = 'try `kb sql "SELECT title, date FROM papers LIMIT 5"`'
# Lines of a DuckDB error worth keeping: its own hints name the fix.
_HINT_RE = re.compile(r"^(Did you mean|Candidate bindings|Candidate tables|HINT)", re.I)
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Rows:
    """Column names and rows of one statement; `truncated` when the row cap cut it."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False


def check_select(sql: str) -> None:
    """Refuse anything but exactly one SELECT or a plain EXPLAIN of one, naming what was refused."""
    statements = _statements(sql)
    if not statements:
        raise QueryError(f"the SQL statement is empty; {_EXAMPLE}")
    if len(statements) > 1:
        raise ReadOnlyError(
            f"this runs one statement at a time and got {len(statements)}; send each SELECT on its own"
        )
    statement = statements[0]
    kind = statement.type.name
    if kind == "EXPLAIN":
        kind = _explained_kind(statement.query)
    if kind != "SELECT":
        raise ReadOnlyError(f"SQL here is read-only and refuses {kind} statements; only SELECT queries run")


def _statements(sql: str) -> list[duckdb.Statement]:
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL syntax error: {first_line(exc)}") from None


def _explained_kind(query: str) -> str:
    """What an EXPLAIN would run: EXPLAIN ANALYZE executes its statement, so it counts as that."""
    tokens = duckdb.tokenize(query)
    words = [query[pos:].split(None, 1)[0].upper() for pos, kind in tokens if kind == duckdb.token_type.keyword]
    if len(words) > 1 and words[0] == "EXPLAIN" and words[1] == "ANALYZE":
        return "EXPLAIN ANALYZE"
    keywords = [pos for pos, kind in tokens if kind == duckdb.token_type.keyword]
    inner = query[keywords[1]:] if len(keywords) > 1 else ""
    inner_statements = _statements(inner) if inner.strip() else []
    if len(inner_statements) != 1:
        return "EXPLAIN"
    return inner_statements[0].type.name


def run_select(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[Any] | None = None,
    *,
    max_rows: int | None = None,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
) -> Rows:
    """Run one user SELECT on a fresh cursor of `con`, within the time limit and row cap."""
    check_select(sql)
    if max_rows is not None and max_rows < 1:
        raise QueryError("the row cap must be at least 1")
    def fetch(cursor: duckdb.DuckDBPyConnection) -> Rows:
        result = cursor.execute(sql, list(params or []))
        columns = [d[0] for d in result.description or []]
        if max_rows is None:
            return Rows(columns, result.fetchall())
        rows = result.fetchmany(max_rows + 1)
        return Rows(columns, rows[:max_rows], len(rows) > max_rows)

    return _guarded(con, timeout_s, fetch, lambda exc: explain_error(exc, sql, con))


def _interruptible(cursor: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """Run `work` so that Ctrl-C stops the query: DuckDB does not see signals while it runs.

    On the main thread the query runs on a helper thread while the main thread waits in short
    joins, where Python delivers KeyboardInterrupt; the query is then interrupted.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="kb-sql", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.05)
    except KeyboardInterrupt:
        cursor.interrupt()
        thread.join()
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]


def where_papers(con: duckdb.DuckDBPyConnection, where: str, timeout_s: float | None = DEFAULT_TIMEOUT_S) -> list[str]:
    """Paper ids matching a `--where` predicate, which must parse as one SQL expression."""
    example = "e.g. \"date = DATE '2026-02-18'\""
    try:
        expression = duckdb.SQLExpression(where)
    except duckdb.Error:
        raise QueryError(f"--where must be one SQL predicate over papers, {example}; got {where!r}") from None
    # The expression is re-rendered by DuckDB's own parser, so nothing outside it can ride along.
    predicate = f"SELECT paper_id FROM papers WHERE ({expression})"
    try:
        check_select(predicate)
    except QueryError:
        raise QueryError(f"--where must be one SQL predicate over papers, {example}; got {where!r}") from None
    return _guarded(con, timeout_s, lambda cursor: cursor.execute(predicate).fetchnumpy()["paper_id"].tolist(),
                    lambda exc: f"--where {where!r} failed: {explain_error(exc, 'papers', con)}")


def _guarded(con: duckdb.DuckDBPyConnection, timeout_s: float | None,
             work: Callable[[duckdb.DuckDBPyConnection], T], describe: Callable[[duckdb.Error], str]) -> T:
    """`work(cursor)` on a fresh cursor, stopped at the time limit or by Ctrl-C; DuckDB errors become one `QueryError`."""
    if timeout_s is not None and timeout_s <= 0:
        raise QueryError("the time limit must be more than 0 seconds")
    cursor = cursor_of(con)
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        cursor.interrupt()

    timer = threading.Timer(timeout_s, stop) if timeout_s else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        return _interruptible(cursor, lambda: work(cursor))
    except duckdb.InterruptException:
        if not fired.is_set():
            raise KeyboardInterrupt from None  # stopped from outside: the CLI prints one line for it
        raise QueryError(
            f"the query ran past the {timeout_s:g} s time limit and was stopped; narrow it or raise the limit "
            "with `kb sql --timeout SECONDS`"
        ) from None
    except duckdb.OutOfMemoryException:
        raise QueryError(
            "the query needed more memory than the knowledge base's SQL memory limit; narrow it "
            "(filter, LIMIT, fewer joins) or raise the limit with `kb sql --memory-limit 8GB`"
        ) from None
    except duckdb.Error as exc:
        raise QueryError(describe(exc)) from None
    finally:
        if timer is not None:
            timer.cancel()
        try:
            cursor.close()
        except duckdb.Error:  # still winding down an interrupted query; it closes when collected
            pass


def explain_error(exc: Exception, sql: str, con: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's first line and its own hints, then the columns of the tables the SQL names."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    kept = [lines[0].rstrip(".")] if lines else [exc.__class__.__name__]
    kept += [ln.rstrip(".") for ln in lines[1:] if _HINT_RE.match(ln)]
    message = ". ".join(kept)
    named = describe_named_tables(con, sql)
    return f"{message}. {named}" if named else message


def describe_named_tables(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Columns of the knowledge base's tables and views that `sql` names, for error messages."""
    words = {w.lower() for w in _IDENT_RE.findall(sql)}
    names = [t for t in USER_TABLES + USER_VIEWS if t in words]
    if not names:
        return "Tables: " + ", ".join(USER_TABLES + USER_VIEWS)
    _, rows = run_sql(
        con,
        "SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) "
        "FROM information_schema.columns WHERE list_contains(?, table_name) AND table_catalog = current_database() "
        "GROUP BY table_name ORDER BY table_name",
        [names],
    )
    return "Columns: " + "; ".join(f"{t}({c})" for t, c in rows)


def first_line(exc: Exception) -> str:
    """The first line of an error, without its final full stop."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else exc.__class__.__name__).rstrip(".")
