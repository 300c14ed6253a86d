"""Dates as a reader writes them: `2026-02-18`, `today`, `yesterday`, `3d`, `2w`, `last-week`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from kb.errors import QueryError

ACCEPTED = "YYYY-MM-DD, today, yesterday, Nd (N days ago), Nw (N weeks ago) or last-week (Monday of last week)"
_RELATIVE_RE = re.compile(r"(\d{1,5})\s*([dw])")  # five digits: never before year 1


def parse_when(text: str | date, today: date | None = None) -> date:
    """The calendar day `text` names, relative forms counted back from `today` (default: the system date).

    Example: parse_when("2w", today=date(2026, 2, 18)) == date(2026, 2, 4)
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = str(text).strip().lower()
    today = today or date.today()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if value in ("last-week", "last_week", "lastweek"):
        # The start of the previous calendar week, so "since last-week" covers it whole.
        return today - timedelta(days=today.weekday() + 7)
    if match := _RELATIVE_RE.fullmatch(value):
        n, unit = int(match.group(1)), match.group(2)
        return today - timedelta(days=n * (7 if unit == "w" else 1))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{str(text)!r} is not a date; write {ACCEPTED}") from None
