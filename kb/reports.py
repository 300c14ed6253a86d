"""Report files → parsed papers, with every problem named by file and line."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from datetime import date as Date
from pathlib import Path
from typing import Protocol

from kb.errors import NotFoundError, ParseError, StorageError
from kb.parse import Paper, parse_report


class Tally(Protocol):
    """Where reading reports counts what it skipped and says what went wrong (an `IngestSummary`)."""

    problems: list[str]
    files_unchanged: int

# Bumped when parsing or extraction changes what is derived from the same file,
# so re-ingesting unchanged files still refreshes their rows.
DERIVATION_VERSION = 1
REPORT_SUFFIXES = (".md", ".markdown", ".txt")
_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def report_files(paths: Iterable[str | os.PathLike[str]], problems: list[str]) -> list[Path]:
    """Expand files and folders into report files, sorted.

    A path that does not exist is an error (before anything is written); an empty folder and a
    file whose name is not valid UTF-8 (which no database row could hold) become problems.
    """
    found: list[Path] = []
    missing = [str(raw) for raw in paths if not Path(raw).exists()]
    if missing:
        raise NotFoundError(f"no such file or folder: {', '.join(missing)}; check the path and run `kb ingest` again")
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            inside = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
            if not inside:
                problems.append(f"{p}: no report files (*.md, *.markdown, *.txt) in this folder")
            found.extend(inside)
        else:
            found.append(p)
    usable = []
    for f in found:
        try:
            str(f).encode("utf-8")
        except UnicodeEncodeError:
            problems.append(f"{ascii(str(f))[1:-1]}: the file name is not valid UTF-8; rename it to ingest it (skipped)")
            continue
        usable.append(f)
    unique = dict.fromkeys(f.resolve() for f in usable)
    return list(unique)


def unique_papers(papers: list[Paper], path: Path, problems: list[str]) -> list[Paper]:
    """One copy of each paper id in a file: the later copy wins, and the problem says so."""
    by_id: dict[str, Paper] = {}
    for paper in papers:
        if (earlier := by_id.get(paper.paper_id)) is not None:
            problems.append(
                f"{path}:{paper.line}: paper {paper.paper_id} appears again (first at line {earlier.line}); "
                f"the copy at line {paper.line} is used"
            )
        by_id[paper.paper_id] = paper
    return list(by_id.values())


def plausible_date(day: Date, today: Date | None = None) -> bool:
    """Daily Papers began in 2023; a date before 2015 or more than a month ahead is a typo."""
    today = today or Date.today()
    return Date(2015, 1, 1) <= day <= Date.fromordinal(today.toordinal() + 31)


def parse_again(path: Path, digest: str) -> list[Paper]:
    """The papers of a file read in the first pass, parsed again to be written."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageError(f"{path} could not be read again ({exc.strerror}); run the ingest again") from None
    now = hashlib.sha256(data + f"\x00v{DERIVATION_VERSION}".encode()).hexdigest()
    if now != digest:
        raise StorageError(f"{path} changed while it was being ingested; run the ingest again (nothing was changed)")
    report = parse_report(data.decode("utf-8"), fallback_date=file_date(path))
    return unique_papers(list(report.papers), path, [])  # said in the first pass


def file_date(path: Path) -> Date | None:
    m = _FILE_DATE_RE.search(path.name)
    if m:
        try:
            return Date.fromisoformat(m.group(1))
        except ValueError:
            return None
    return None


def read_report(path: Path, known_files: dict[str, str], summary: Tally) -> tuple[str, Date, list[Paper]] | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        summary.problems.append(f"{path}: cannot read ({exc.strerror})")
        return None
    digest = hashlib.sha256(data + f"\x00v{DERIVATION_VERSION}".encode()).hexdigest()
    if known_files.get(str(path)) == digest:
        summary.files_unchanged += 1
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        summary.problems.append(f"{path}: not UTF-8 text (byte {exc.start}); skipped")
        return None
    if not text.strip():
        summary.problems.append(f"{path}: empty file; skipped")
        return None
    try:
        report = parse_report(text, fallback_date=file_date(path))
    except ParseError as exc:
        summary.problems.append(f"{exc.at(str(path))}; skipped")
        return None
    summary.problems.extend(f"{path}:{w.line}: {w.message}" for w in report.warnings)
    if not plausible_date(report.date):
        summary.problems.append(
            f"{path}: report date {report.date} is implausible (before 2015 or in the future); fix its `**Date**` line (skipped)"
        )
        return None
    return digest, report.date, list(report.papers)


