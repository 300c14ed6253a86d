"""The trends chart: papers per domain per week as a server-drawn SVG heatmap, each cell a link."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date as Date
from datetime import timedelta

from markupsafe import Markup, escape

LABEL_W = 96
TOP = 34
ROW_H = 22
MAX_W = 880


def week_table(rows: Iterable[tuple[object, str, int]]) -> tuple[list[Date], list[str], dict[tuple[Date, str], int]]:
    """(weeks ascending, domains by total descending, count per (week, domain)) from (week, domain, papers) rows."""
    counts: dict[tuple[Date, str], int] = {}
    totals: dict[str, int] = {}
    for week, domain, papers in rows:
        day = week if isinstance(week, Date) else Date.fromisoformat(str(week))
        counts[(day, domain)] = counts.get((day, domain), 0) + int(papers)
        totals[domain] = totals.get(domain, 0) + int(papers)
    seen = sorted({w for w, _ in counts})
    # Every week between the first and the last, so a week without reports shows as a gap.
    weeks = [seen[0] + timedelta(weeks=i) for i in range((seen[-1] - seen[0]).days // 7 + 1)] if seen else []
    domains = sorted(totals, key=lambda d: (-totals[d], d))
    return weeks, domains, counts


def heatmap(weeks: list[Date], domains: list[str], counts: dict[tuple[Date, str], int],
            link: Callable[[str, Date, Date], str]) -> Markup:
    """An SVG grid, domains down and weeks across, darker for more papers; `link(domain, monday, sunday)` is each cell's href."""
    if not weeks or not domains:
        return Markup("")
    cell_w = max(10, min(72, (MAX_W - LABEL_W) // len(weeks)))
    width = LABEL_W + cell_w * len(weeks) + 8
    height = TOP + ROW_H * len(domains) + 8
    peak = max(counts.values(), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="papers per domain per week">']
    label_every = max(1, 48 // cell_w)  # keep week labels from overlapping
    for i, week in enumerate(weeks):
        if i % label_every == 0:
            x = LABEL_W + i * cell_w + 2
            parts.append(f'<text class="week" x="{x}" y="{TOP - 8}">{escape(week.strftime("%m-%d"))}</text>')
    for j, domain in enumerate(domains):
        y = TOP + j * ROW_H
        parts.append(f'<text class="domain" x="{LABEL_W - 6}" y="{y + ROW_H - 7}" text-anchor="end">{escape(domain)}</text>')
        for i, week in enumerate(weeks):
            n = counts.get((week, domain), 0)
            x = LABEL_W + i * cell_w
            shade = 0.08 + 0.92 * n / peak if n else 0.0
            title = f"{domain}, week of {week.isoformat()}: {n} papers"
            rect = (f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{ROW_H - 2}" rx="2" '
                    f'fill="#2456a6" fill-opacity="{shade:.3f}" stroke="#d8dde6" stroke-width="0.5"/>')
            label = ""
            if n and cell_w >= 22:
                tone = "light" if shade > 0.55 else "dark"
                label = (f'<text class="n {tone}" x="{x + cell_w / 2:.1f}" y="{y + ROW_H - 7}" '
                         f'text-anchor="middle">{n}</text>')
            if n:
                href = escape(link(domain, week, week + timedelta(days=6)))
                parts.append(f'<a href="{href}"><title>{escape(title)}</title>{rect}{label}</a>')
            else:
                parts.append(f'<g><title>{escape(title)}</title>{rect}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
