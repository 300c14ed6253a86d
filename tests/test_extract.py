"""Domains, links, facts and metrics extracted from report sections."""

from __future__ import annotations

import pytest

from conftest import DATA, five_sections, make_report
from kb.extract import DOMAIN_TAGS, extract_domains, extract_facts, extract_links, extract_metrics
from kb.parse import Paper, parse_report

PAPERS = {p.paper_id: p for f in sorted(DATA.glob("*.md")) for p in parse_report(f.read_text(encoding="utf-8")).papers}


def _paper(results: str, contribution: str = "提出了一种方法。") -> Paper:
    body = five_sections(contribution=contribution).replace("在 Bench-X 上准确率从 70.0% 提升至 75.5%。", results)
    (paper,) = parse_report(make_report("2026-03-01", [("2603.00001", "T", body)])).papers
    return paper


@pytest.mark.parametrize("text,expected", [
    ("计算机视觉 - 自回归长视频生成", {"vision", "video", "generation"}),
    ("强化学习（Reinforcement Learning）、思维链推理", {"rl"}),
    ("NLP-医疗大模型对齐（Medical LLM Alignment）", {"llm", "medical", "safety"}),
    ("机器人学习（Robot Learning）、具身智能（Embodied AI）", {"robotics"}),
    ("AI for Science / 计算生物学：蛋白质三维结构生成", {"science", "3d", "generation"}),
    ("电子商务搜索排序、向量召回", {"ecommerce", "retrieval"}),
    ("Audio understanding and speech generation", {"audio", "generation"}),
    ("软件工程（Software Engineering）、大模型智能体（LLM Agents）", {"code", "agents", "llm"}),
])
def test_domain_tags(text: str, expected: set[str]) -> None:
    tags = extract_domains(text)
    assert expected <= set(tags)
    assert tags == [t for t in DOMAIN_TAGS if t in tags]


def test_reinforcement_learning_is_not_chemistry() -> None:
    assert "science" not in extract_domains("强化学习 (RL)")


@pytest.mark.parametrize("pid", sorted(PAPERS))
def test_every_seed_paper_gets_a_domain_tag(pid: str) -> None:
    assert extract_domains(PAPERS[pid].section("domain").text)


def test_links_of_r3() -> None:
    links = {(l.kind, l.url) for l in extract_links(PAPERS["2602.15772"])}
    assert ("github", "https://github.com/sen-ye/R3") in links
    assert ("paper", "https://huggingface.co/papers/2602.15772") in links
    assert ("arxiv_pdf", "https://arxiv.org/pdf/2602.15772") in links


def test_links_of_a_plain_paper_are_the_paper_and_arxiv() -> None:
    assert {l.kind for l in extract_links(PAPERS["2602.02958"])} == {"paper", "arxiv_abs", "arxiv_pdf"}


def test_facts() -> None:
    glm = extract_facts(PAPERS["2602.15763"])
    assert "744B" in glm.model_sizes and "Ascend" in glm.hardware and glm.code_status == "released"
    qvg = extract_facts(PAPERS["2602.02958"])
    assert {"RTX 4090", "H100"} <= set(qvg.hardware)
    r3 = extract_facts(PAPERS["2602.15772"])
    assert r3.code_url == "https://github.com/sen-ye/R3" and "GenEval++" in r3.datasets
    gym = extract_facts(PAPERS["2602.15112"])
    assert gym.code_status == "promised"


def test_geneval_figure_of_r3() -> None:
    rows = extract_metrics(PAPERS["2602.15772"])
    assert any(m.benchmark == "GenEval++" and m.value == 0.962 for m in rows)
    counting = next(m for m in rows if m.value == 84.6)
    assert (counting.baseline, counting.unit, counting.direction) == (79.3, "%", "improve")


def test_quant_videogen_figures() -> None:
    rows = extract_metrics(PAPERS["2602.02958"])
    psnr = next(m for m in rows if m.value == 29.17)
    assert (psnr.metric, psnr.benchmark) == ("PSNR", "LongCat-Video")
    memory = next(m for m in rows if m.value == 11)
    assert (memory.unit, memory.metric, memory.direction) == ("x", "memory", "reduce")


@pytest.mark.parametrize("text,value,unit,baseline,direction", [
    ("在 Bench-X 上准确率从 70.0% 提升至 75.5%。", 75.5, "%", 70.0, "improve"),
    ("推理延迟降低了 **40%** 以上。", 40.0, "%", None, "reduce"),
    ("实现了最高 **2.0倍** 的端到端推理加速。", 2.0, "x", None, "improve"),
    ("PSNR 达到 **29.17**，远超基线方法。", 29.17, None, None, "none"),
    ("去噪步数减少了 **4-5倍**。", 5.0, "x", None, "reduce"),
    ("峰值显存占用减少了 4.6GB 以上。", 4.6, "GB", None, "reduce"),
])
def test_metric_phrasing(text: str, value: float, unit: str | None, baseline: float | None, direction: str) -> None:
    rows = extract_metrics(_paper(text))
    assert [(m.value, m.unit, m.baseline, m.direction) for m in rows] == [(value, unit, baseline, direction)]
    assert rows[0].evidence.startswith(text.replace("**", "")[:8])


@pytest.mark.parametrize("text", [
    "在 2025 年的 ICML 会议论文上构建。",
    "超越前代 GPT-5.2 和 Claude Opus 4.5。",
    "在单张 RTX 4090 和 H100 上验证。",
    "基于 Qwen2.5-7B 与 Llama-3.2 模型，支持 200K 上下文，总参数 744B。",
    "在 5 个基准数据集和 15 次评估中测试，详见 arXiv 2602.15763。",
    "Artificial Analysis Intelligence Index v4.0 排名。",
])
def test_numbers_that_are_not_figures(text: str) -> None:
    assert extract_metrics(_paper(text)) == []
