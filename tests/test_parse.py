"""The parser accepts every heading style in the wild and reports what it cannot use."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import DATA, five_sections, make_report
from kb.errors import ParseError
from kb.parse import SECTION_KEYS, parse_report, section_key

SEED_FILES = sorted(DATA.glob("*.md"))
SEED_PAPERS = [
    (f.name, p) for f in SEED_FILES for p in parse_report(f.read_text(encoding="utf-8")).papers
]


def test_seed_reports_have_48_papers_with_dates() -> None:
    reports = {f.name: parse_report(f.read_text(encoding="utf-8")) for f in SEED_FILES}
    assert {n: (r.date, len(r.papers)) for n, r in reports.items()} == {
        "2026-02-05.md": (date(2026, 2, 5), 35),
        "2026-02-18.md": (date(2026, 2, 18), 13),
    }
    assert all(not r.warnings for r in reports.values())
    assert reports["2026-02-18.md"].source_url == "https://huggingface.co/papers/date/2026-02-18"


@pytest.mark.parametrize("name,paper", SEED_PAPERS, ids=[p.paper_id for _, p in SEED_PAPERS])
def test_every_seed_paper_has_all_five_sections(name: str, paper) -> None:
    assert [s.key for s in paper.sections] == list(SECTION_KEYS)
    assert all(s.text.strip() for s in paper.sections), name
    assert paper.url == f"https://huggingface.co/papers/{paper.paper_id}"
    assert paper.read_source in {"HTML", "ArXiv Abs"}


def test_numbered_bold_lists_inside_a_section_are_not_headings() -> None:
    compot = next(p for _, p in SEED_PAPERS if p.paper_id == "2602.15200")
    innovations = compot.section("innovations").text
    assert "闭式正交 Procrustes 更新机制" in innovations
    assert "子空间并集" in innovations


HEADING_STYLES = {
    "hash3": "### 1. 应用领域\n视频生成\n\n### 2. 一句话核心贡献\n贡献\n\n### 3. 使用指南\n用法\n\n### 4. 主要创新点\n创新\n\n### 5. 实验效果\n结果",
    "hash4": "#### 1. 应用领域\n视频生成\n#### 2. 一句话核心贡献\n贡献\n#### 3. 使用指南\n用法\n#### 4. 主要创新点\n创新\n#### 5. 实验效果\n结果",
    "hash2": "## 1. 应用领域\n视频生成\n## 2. 一句话核心贡献\n贡献\n## 3. 使用指南\n用法\n## 4. 主要创新点\n创新\n## 5. 实验效果\n结果",
    "bold_inline": "1. **应用领域**：视频生成\n2. **一句话核心贡献**：贡献\n3. **使用指南**：用法\n4. **主要创新点**：创新\n5. **实验效果**：结果",
    "bold_below": "1. **应用领域**\n   视频生成\n\n2. **一句话核心贡献**\n   贡献\n\n3. **使用指南**\n   用法\n\n4. **主要创新点**\n   创新\n\n5. **实验效果**\n   结果",
    "hash_bold": "### 1. **应用领域**\n视频生成\n### 2. **一句话核心贡献**\n贡献\n### 3. **使用指南**\n用法\n### 4. **主要创新点**\n创新\n### 5. **实验效果**\n结果",
    "title_line": "# 论文研报：Some Title\n\n### 1. 应用领域\n视频生成\n### 2. 一句话核心贡献\n贡献\n### 3. 使用指南\n用法\n### 4. 主要创新点\n创新\n### 5. 实验效果\n结果",
    "ascii_colon": "1. **应用领域**: 视频生成\n2. **一句话核心贡献**: 贡献\n3. **使用指南**: 用法\n4. **主要创新点**: 创新\n5. **实验效果**: 结果",
}


@pytest.mark.parametrize("style", list(HEADING_STYLES))
def test_heading_styles(style: str) -> None:
    report = parse_report(make_report("2026-03-01", [("2603.00001", "A Paper", HEADING_STYLES[style])]))
    (paper,) = report.papers
    assert [s.key for s in paper.sections] == list(SECTION_KEYS)
    assert paper.section("domain").text == "视频生成"
    assert paper.section("results").text == "结果"
    assert not report.warnings


@pytest.mark.parametrize("transform", [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: "\ufeff" + t, id="bom"),
    pytest.param(lambda t: t.replace("\n", "   \n"), id="trailing-spaces"),
    pytest.param(lambda t: t.replace("\n", "\r"), id="old-mac-cr"),
])
def test_tolerates_line_ending_and_encoding_noise(transform) -> None:
    text = make_report("2026-03-01", [("2603.00001", "A Paper", five_sections())])
    (paper,) = parse_report(transform(text)).papers
    assert [s.key for s in paper.sections] == list(SECTION_KEYS)
    assert paper.section("domain").text == "NLP-大语言模型"


def test_latex_and_nested_lists_survive() -> None:
    body = five_sections(innovation="损失 $\\mathcal{L} = \\sum_i \\|x_i\\|^2$\n        *   嵌套要点\n            1. 更深一层")
    (paper,) = parse_report(make_report("2026-03-01", [("2603.00001", "T", body)])).papers
    text = paper.section("innovations").text
    assert "\\mathcal{L}" in text and "嵌套要点" in text and "更深一层" in text


def test_unknown_sections_are_kept_under_their_label() -> None:
    body = five_sections() + "\n### 6. 局限性\n需要大量显存。\n"
    body = body.replace("1. **应用领域**", "### 1. 应用领域").replace("5. **实验效果**", "### 5. 实验效果")
    (paper,) = parse_report(make_report("2026-03-01", [("2603.00001", "T", body)])).papers
    assert paper.sections[-1].key == "局限性"
    assert paper.sections[-1].text == "需要大量显存。"


def test_paper_without_link_is_skipped_with_its_line() -> None:
    text = make_report("2026-03-01", [("2603.00001", "Good", five_sections()), ("2603.00002", "No Link", five_sections())])
    text = text.replace("- **链接**: https://huggingface.co/papers/2603.00002\n", "")
    report = parse_report(text)
    assert [p.paper_id for p in report.papers] == ["2603.00001"]
    (warning,) = report.warnings
    assert "No Link" in warning.message and "链接" in warning.message
    assert text.split("\n")[warning.line - 1].startswith("## 📄 No Link")


def test_file_cut_off_mid_section_keeps_what_is_there() -> None:
    text = make_report("2026-03-01", [("2603.00001", "T", five_sections())])
    cut = text[: text.index("4. **主要创新点**") + 12]
    report = parse_report(cut)
    (paper,) = report.papers
    assert [s.key for s in paper.sections] == ["domain", "contribution", "usage", "innovations"]
    assert "results" in report.warnings[0].message


@pytest.mark.parametrize("text,reason", [
    ("", "no `## 📄 Title` paper blocks"),
    ("# Shopping list\n\n- milk\n- eggs\n", "not a daily papers report"),
    ("\x00\x01\x02binary", "binary data"),
    ("## 📄 T\n\n- **链接**: https://huggingface.co/papers/2603.00001\n", "no `**Date**"),
    ("**Date**: 2026-13-45\n## 📄 T\n", "not a valid date"),
])
def test_not_a_report(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason.replace("*", r"\*").replace("(", r"\(")):
        parse_report(text)


def test_date_falls_back_to_the_file_name_date() -> None:
    text = "## 📄 T\n\n- **链接**: https://huggingface.co/papers/2603.00001\n\n" + five_sections()
    assert parse_report(text, fallback_date=date(2026, 3, 2)).date == date(2026, 3, 2)


@pytest.mark.parametrize("label,key", [
    ("应用领域", "domain"), ("一句话核心贡献", "contribution"), ("使用指南", "usage"),
    ("主要创新点", "innovations"), ("实验效果", "results"), ("Results", "results"),
    ("实验结果", "results"), ("局限性", None),
])
def test_section_labels(label: str, key: str | None) -> None:
    assert section_key(label) == key
