"""Rows as text that other programs read: TSV, CSV, JSON, JSON Lines and Markdown tables (pure).

Values are written for the reader, never as Python reprs: lists and structs as JSON, blobs as
base64, dates as ISO 8601, NULL as an empty field (null in JSON).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

ROW_FORMATS = ("table", "tsv", "csv", "json", "jsonl", "markdown")
# Report text is untrusted: a terminal obeys escape sequences, so control characters other than
# newline and tab become U+FFFD (one character for one, so highlight offsets still line up).
_CONTROL = {c: "\ufffd" for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]}


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control characters replaced, length unchanged."""
    return text.translate(_CONTROL)


def json_default(value: Any) -> Any:
    """JSON for what `json` cannot write itself: blobs as base64, dates as ISO 8601, decimals as numbers."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, (UUID, timedelta)):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    if hasattr(value, "__dict__"):
        return value.__dict__
    return str(value)


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """`value` as UTF-8 JSON text (no ASCII escapes), with `json_default` for other types."""
    return json.dumps(_finite(value), ensure_ascii=False, indent=indent, default=json_default)


def _finite(value: Any) -> Any:
    # NaN and Infinity are not JSON; jq and browsers reject them.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def cell_text(value: Any) -> str:
    """One value as a field of CSV, TSV or a table: JSON for lists and structs, base64 for blobs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return to_json(value, indent=None)
    if isinstance(value, (bytes, bytearray, memoryview, date, time, Decimal, UUID, timedelta)):
        return str(json_default(value))
    return str(value)


def _tsv_field(value: Any) -> str:
    # The escapes of PostgreSQL's text format: one line per row, one tab between fields.
    return cell_text(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _markdown_field(value: Any) -> str:
    return cell_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def write_rows(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """`rows` under `columns` as tsv, csv, json (an array of objects), jsonl or markdown."""
    rows = list(rows)
    if fmt == "tsv":
        lines = ["\t".join(_tsv_field(c) for c in columns)]
        lines += ["\t".join(_tsv_field(v) for v in row) for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([cell_text(v) for v in row] for row in rows)
        return buf.getvalue()
    if fmt == "json":
        return to_json([dict(zip(columns, row)) for row in rows]) + "\n"
    if fmt == "jsonl":
        return "".join(to_json(dict(zip(columns, row)), indent=None) + "\n" for row in rows)
    if fmt == "markdown":
        lines = ["| " + " | ".join(_markdown_field(c) for c in columns) + " |",
                 "| " + " | ".join("---" for _ in columns) + " |"]
        lines += ["| " + " | ".join(_markdown_field(v) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown row format {fmt!r}")


def write_records(fmt: str, records: Sequence[dict[str, Any]]) -> str:
    """Dicts (all with the same keys, e.g. `Results.to_dicts()`) in one of the row formats."""
    if fmt == "json":
        return to_json(list(records)) + "\n"
    columns = list(dict.fromkeys(k for r in records for k in r))
    return write_rows(fmt, columns, [[r.get(c) for c in columns] for r in records])
