"""Markdown report text → `Report`, `Paper` and `Section` values.

Pure: no I/O. The daily reports are written by people and models with
drifting conventions, so the parser accepts every heading style seen in the
wild and reports what it could not use as warnings instead of failing the
whole file.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import date as Date

from kb.errors import ParseError

# Canonical section keys and the labels (Chinese and English) that name them.
SECTION_LABELS: dict[str, tuple[str, ...]] = {
    "domain": ("应用领域", "研究领域", "领域", "application domain", "domain"),
    "contribution": ("一句话核心贡献", "核心贡献", "一句话总结", "core contribution", "contribution"),
    "usage": ("使用指南", "使用方法", "usage guide", "usage", "how to use"),
    "innovations": ("主要创新点", "创新点", "key innovations", "innovations"),
    "results": ("实验效果", "实验结果", "experimental results", "results", "experiments"),
}
SECTION_KEYS: tuple[str, ...] = tuple(SECTION_LABELS)

# Greedy groups stripped in code, never `.+?\s*$`: a lazy group before `\s*$` backtracks
# quadratically over a long run of inner spaces (a 60 KB line took 75 s).
_PAPER_RE = re.compile(r"^##\s*📄\s*(?P<title>\S.*)$")
_DATE_RE = re.compile(r"^\*\*Date\*\*\s*[:：]\s*(?P<date>\d{4}-\d{2}-\d{2})")
_SOURCE_RE = re.compile(r"^\*\*Source URL\*\*\s*[:：]\s*(?P<url>\S+)")
_LINK_RE = re.compile(r"^[-*]\s*\*\*(?:链接|Link)\*\*\s*[:：]\s*(?P<url>\S+)", re.I)
_READ_RE = re.compile(r"^[-*]\s*\*\*(?:阅读来源|Read source)\*\*\s*[:：]\s*(?P<src>\S.*)$", re.I)
_PAPER_ID_RE = re.compile(
    r"(?:huggingface\.co/papers/|arxiv\.org/(?:abs|pdf)/)(?P<id>\d{4}\.\d{4,5})(?:v\d+)?"
)
# `### 1. 应用领域`, `1. **应用领域**：text`, `## 5. **实验效果**`, `#### 3、使用指南:`
_HEADING_RE = re.compile(
    r"^(?P<hashes>#{1,6}\s*)?(?:\*\*)?\s*(?P<num>\d{1,2})\s*[.、)](?!\d)\s*"
    r"(?P<rest>.*)$"
)
_LABEL_RE = re.compile(r"^(?:\*\*)?(?P<label>[^*：:]+)(?:\*\*)?(?:[:：]\s*(?:\*\*)?(?P<inline>.*))?$")
_SEPARATOR_RE = re.compile(r"^\s*(?:={3,}|-{3,}|\*{3,})\s*$")


@dataclass(frozen=True)
class Section:
    """One numbered section of a paper: canonical `key`, the `label` as written, and its text."""

    key: str
    label: str
    text: str
    line: int


@dataclass(frozen=True)
class Paper:
    """One `## 📄` block of a report."""

    paper_id: str
    title: str
    url: str
    read_source: str | None
    sections: tuple[Section, ...]
    line: int

    def section(self, key: str) -> Section | None:
        """The first section with canonical `key`, if any."""
        return next((s for s in self.sections if s.key == key), None)

    @property
    def missing_sections(self) -> list[str]:
        """Canonical keys this paper lacks (a cut-off file loses the last ones)."""
        present = {s.key for s in self.sections}
        return [k for k in SECTION_KEYS if k not in present]


@dataclass(frozen=True)
class ParseWarning:
    """Something in a report that was skipped or incomplete, with the line it is on."""

    line: int
    message: str


@dataclass(frozen=True)
class Report:
    """A parsed daily report: its date, source URL, papers and what went wrong."""

    date: Date
    source_url: str | None
    papers: tuple[Paper, ...]
    warnings: tuple[ParseWarning, ...] = field(default=())


def section_key(label: str) -> str | None:
    """Map a heading label (`主要创新点`, `Results`) to its canonical key, or None."""
    norm = re.sub(r"[\s*_`]+", " ", label).strip().lower()
    for key, names in SECTION_LABELS.items():
        if norm in names:
            return key
    for key, names in SECTION_LABELS.items():
        # Longer Chinese labels such as `应用领域 (Domain)` still start with the name.
        if any(len(n) >= 4 and norm.startswith(n) for n in names):
            return key
    return None


def parse_report(text: str, *, fallback_date: Date | None = None) -> Report:
    """Parse one daily report.

    Raises `ParseError` when the text is not a report at all (no date, no paper
    blocks); problems with single papers become `Report.warnings`.
    """
    if "\x00" in text:
        raise ParseError("binary data, not a Markdown report", line=None)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")

    report_date: Date | None = None
    source_url: str | None = None
    starts: list[int] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if m := _PAPER_RE.match(line):
            starts.append(i)
        elif not starts and (m := _DATE_RE.match(line)):
            report_date = _to_date(m["date"], i + 1)
        elif not starts and (m := _SOURCE_RE.match(line)):
            source_url = m["url"]

    if not starts:
        raise ParseError("no `## 📄 Title` paper blocks found; this is not a daily papers report", line=None)
    if report_date is None:
        if fallback_date is None:
            raise ParseError(
                "no `**Date**: YYYY-MM-DD` line and no date in the file name", line=None
            )
        report_date = fallback_date

    papers: list[Paper] = []
    warnings: list[ParseWarning] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        paper, paper_warnings = _parse_paper(lines, start, end)
        warnings.extend(paper_warnings)
        if paper is not None:
            papers.append(paper)
    return Report(date=report_date, source_url=source_url, papers=tuple(papers), warnings=tuple(warnings))


def _to_date(value: str, line: int) -> Date:
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise ParseError(f"`{value}` is not a valid date", line=line) from None


def _parse_paper(lines: list[str], start: int, end: int) -> tuple[Paper | None, list[ParseWarning]]:
    title = _PAPER_RE.match(lines[start].strip())["title"].strip()  # type: ignore[index]
    warnings: list[ParseWarning] = []
    url: str | None = None
    read_source: str | None = None
    sections: list[Section] = []
    current: tuple[str, str, int, list[str]] | None = None  # key, label, line, body
    last_num = 0

    def close() -> None:
        if current is not None:
            body = textwrap.dedent("\n".join(current[3])).strip()
            body = re.sub(r"\n{3,}", "\n\n", body)
            sections.append(Section(key=current[0], label=current[1], text=body, line=current[2]))

    for i in range(start + 1, end):
        raw = lines[i].rstrip()
        stripped = raw.strip()
        if current is None and url is None and (m := _LINK_RE.match(stripped)):
            url = m["url"]
            continue
        if current is None and read_source is None and (m := _READ_RE.match(stripped)):
            read_source = m["src"].strip()
            continue
        if _SEPARATOR_RE.match(raw):
            continue
        heading = _match_heading(raw, last_num)
        if heading is not None:
            close()
            key, label, num, inline = heading
            last_num = num
            current = (key, label, i + 1, [inline] if inline else [])
            continue
        if current is None:
            # Title lines such as `# 论文研报：…` and blank lines before the first section.
            continue
        current[3].append(raw)
    close()

    line_no = start + 1
    if url is None:
        warnings.append(ParseWarning(line_no, f"paper {title!r} has no `- **链接**:` line; skipped"))
        return None, warnings
    m = _PAPER_ID_RE.search(url)
    if m is None:
        warnings.append(
            ParseWarning(line_no, f"paper {title!r} links to {url}, which has no arXiv id; skipped")
        )
        return None, warnings
    paper = Paper(
        paper_id=m["id"], title=title, url=url, read_source=read_source,
        sections=tuple(sections), line=line_no,
    )
    if paper.missing_sections:
        warnings.append(
            ParseWarning(line_no, f"paper {title!r} lacks sections: {', '.join(paper.missing_sections)}")
        )
    return paper, warnings


def _match_heading(raw: str, last_num: int) -> tuple[str, str, int, str] | None:
    """Recognise a section heading line; returns (key, label, number, inline text).

    Numbered lists inside a section (`1. **闭式正交…**：`) look exactly like
    headings, so an un-hashed line counts only when its label is a known
    section name; a `#` heading with an unknown label counts when it
    continues the numbering (`### 6. 局限性` after section 5).
    """
    if raw[:1].isspace():
        return None
    m = _HEADING_RE.match(raw)
    if m is None:
        return None
    lm = _LABEL_RE.match(m["rest"].rstrip())
    if lm is None:
        return None
    label = lm["label"].strip()
    inline = (lm["inline"] or "").strip()
    inline = re.sub(r"^\*\*\s*", "", inline)
    num = int(m["num"])
    key = section_key(label)
    if key is not None:
        return key, label, num, inline
    if m["hashes"] and num == last_num + 1 and last_num >= 1 and not inline and len(label) <= 40:
        return _custom_key(label), label, num, inline
    return None


def _custom_key(label: str) -> str:
    """A stable key for a section outside the five canonical ones: its own label."""
    return re.sub(r"\s+", " ", label).strip()
