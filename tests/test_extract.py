"""Domain tags, links, metrics and facts extracted from paper sections, and the gold-set score."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import pytest

from kb.domains import tag_texts
from kb.extract import (
    DOMAIN_TAGS, Link, Metric, PaperFacts, extract_domains, extract_facts, extract_links, extract_metrics, tag_paper,
)
from kb.parse import Paper, parse_report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLD = ROOT / "tests" / "gold" / "metrics_roles.jsonl"
SEED = {p.paper_id: p for f in sorted(DATA.glob("*.md")) for p in parse_report(f.read_text(encoding="utf-8")).papers}


def make_paper(results: str = "", contribution: str = "提出了一种新方法。", usage: str = "无。",
               domain: str = "NLP", pid: str = "2601.00001", title: str = "T") -> Paper:
    """One paper parsed from a minimal report with the given section bodies."""
    text = (
        f"# Hugging Face Daily Papers Report\n**Date**: 2026-01-01\n\n## 📄 {title}\n\n"
        f"- **链接**: https://huggingface.co/papers/{pid}\n\n"
        f"1. **应用领域**：{domain}\n\n2. **一句话核心贡献**：{contribution}\n\n"
        f"3. **使用指南**：\n{usage}\n\n4. **主要创新点**：无。\n\n5. **实验效果**：\n{results}\n"
    )
    return parse_report(text).papers[0]


def metrics_of(results: str, contribution: str = "提出了一种新方法。") -> list[Metric]:
    return extract_metrics(make_paper(results=results, contribution=contribution))


def values(results: str) -> list[float]:
    return [m.value for m in metrics_of(results)]


# ---------------------------------------------------------------- domains

@pytest.mark.parametrize("text,tags", [
    ("NLP-大语言模型预训练", ["llm"]),
    ("Large Language Models (LLMs)", ["llm"]),
    ("多模态大模型 (VLM)", ["llm", "multimodal"]),
    ("Vision-Language Models", ["llm", "multimodal", "vision"]),
    ("计算机视觉 - 图像分割", ["vision"]),
    ("计算机视觉 - 自回归长视频生成", ["vision", "video", "generation"]),
    ("三维重建与 3D 生成", ["3d", "generation"]),
    ("机器人学习 / 具身智能", ["robotics"]),
    ("Embodied AI and robot manipulation", ["robotics"]),
    ("LLM 智能体 (Agents)", ["llm", "agents"]),
    ("强化学习 (RL)", ["rl"]),
    ("Reinforcement learning from human feedback (RLHF)", ["rl"]),
    ("代码生成与软件工程", ["code", "generation"]),
    ("医疗 AI - 临床决策支持", ["medical"]),
    ("AI for Science / 计算生物学 / 化学", ["science"]),
    ("语音识别与音频理解", ["audio"]),
    ("模型量化与推理加速", ["efficiency"]),
    ("KV-Cache compression for efficient inference", ["efficiency"]),
    ("基准评估 (Benchmark)", ["evaluation"]),
    ("深度学习理论 / 模型可解释性", ["theory"]),
    ("检索增强生成 (RAG)", ["retrieval"]),
    ("Retrieval-Augmented Generation", ["retrieval"]),
    ("电子商务搜索", ["retrieval", "ecommerce"]),
    ("E-commerce product ranking", ["ecommerce"]),
    ("AI 安全与价值对齐", ["safety"]),
    ("数据集构建与数据筛选", ["data"]),
])
def test_domain_keywords_map_to_tags(text: str, tags: list[str]) -> None:
    assert extract_domains(text) == tags


@pytest.mark.parametrize("text,absent", [
    ("强化学习", "science"),            # 强化学习 contains 化学
    ("视觉-语言对齐", "safety"),         # modality alignment is not value alignment
    ("计算社会科学", "science"),
    ("稀疏奖励下的强化学习", "efficiency"),
    ("average storage leverage", "retrieval"),  # `rag` inside words
    ("audio codec", "code"),
])
def test_domain_keywords_do_not_fire_inside_other_words(text: str, absent: str) -> None:
    assert absent not in extract_domains(text)


def test_domain_tags_are_ordered_unique_and_from_the_vocabulary() -> None:
    tags = extract_domains("视频生成、大语言模型、视频理解、LLM、video")
    assert tags == ["llm", "video", "generation"]
    assert len(DOMAIN_TAGS) == 20 and len(set(DOMAIN_TAGS)) == 20


@pytest.mark.parametrize("pid", sorted(SEED))
def test_every_seed_paper_gets_a_domain_tag(pid: str) -> None:
    domain = SEED[pid].section("domain")
    assert domain is not None
    tags = extract_domains(domain.text)
    assert tags and set(tags) <= set(DOMAIN_TAGS)
    assert tags == sorted(tags, key=DOMAIN_TAGS.index)


# ---------------------------------------------------------------- links

def test_links_of_r3_include_its_github_repository() -> None:
    links = extract_links(SEED["2602.15772"])
    assert links[:3] == [
        Link("paper", "https://huggingface.co/papers/2602.15772"),
        Link("arxiv_abs", "https://arxiv.org/abs/2602.15772"),
        Link("arxiv_pdf", "https://arxiv.org/pdf/2602.15772"),
    ]
    assert Link("github", "https://github.com/sen-ye/R3") in links
    assert len({link.url for link in links}) == len(links)


def test_links_of_a_paper_without_urls_are_the_paper_and_arxiv_pages() -> None:
    assert [link.kind for link in extract_links(SEED["2602.15327"])] == ["paper", "arxiv_abs", "arxiv_pdf"]


def test_links_strip_trailing_punctuation_and_deduplicate() -> None:
    paper = make_paper(usage=(
        "*   **代码**：已开源（https://github.com/acme/tool）。\n"
        "*   **项目主页**：[主页](https://acme.github.io/tool/)，另见 https://github.com/acme/tool。\n"
        "*   **数据**：https://example.org/data.zip,\n"
        "*   **模型**：GitHub: acme/tool-models"
    ))
    links = extract_links(paper)
    assert links[3:] == [
        Link("github", "https://github.com/acme/tool"),
        Link("project", "https://acme.github.io/tool"),
        Link("other", "https://example.org/data.zip"),
        Link("github", "https://github.com/acme/tool-models"),
    ]


# ---------------------------------------------------------------- metrics

def test_metric_from_to_gives_value_and_baseline() -> None:
    [m] = metrics_of("*   **理解能力**：在计数任务中，模型的准确率从 **79.3% 提升至 84.6%**。")
    assert (m.value, m.baseline, m.unit, m.metric, m.direction) == (84.6, 79.3, "%", "accuracy", "improve")
    assert m.evidence == "理解能力：在计数任务中，模型的准确率从 79.3% 提升至 84.6%。"
    assert m.section == "results"


def test_metric_bold_number_with_benchmark() -> None:
    [m] = metrics_of("*   在 **GenEval++** 基准测试中，R3 方法取得了 **0.962** 的高分，显著优于基线模型 BAGEL。")
    assert (m.benchmark, m.value, m.unit, m.metric) == ("GenEval++", 0.962, None, "score")
    assert m.comparison == "基线模型 BAGEL"


def test_metric_times_is_unit_x_with_direction() -> None:
    [m] = metrics_of("*   **显存节省**：KV-Cache 显存占用减少高达 **11 倍**。")
    assert (m.value, m.unit, m.metric, m.direction) == (11.0, "x", "memory", "reduce")


@pytest.mark.parametrize("text,expected", [
    ("注意力计算成本降低约 1.5-2 倍。", [(2.0, "x")]),                       # range: upper bound
    ("精度提升了 98% 至 133%。", [(133.0, "%")]),
    ("端到端推理延迟增加极低（< 5%）。", [(5.0, "%")]),
    ("MDF 耗时约 450 秒，而全量微调需 2519 秒。", [(450.0, "s")]),  # 2519 is the baseline of the 450 row
    ("推理延迟从 120ms 降至 80ms。", [(80.0, "ms")]),
    ("视频生成速度可超过 24 FPS。", [(24.0, "FPS")]),
    ("峰值显存占用减少了 4.6GB 以上。", [(4.6, "GB")]),
    ("7B 模型也实现了近 10 个点的绝对提升。", [(10.0, "pp")]),
    ("在 Artificial Analysis Intelligence Index v4.0 中得分为 50，超越前代 GLM-4.7（42分）。", [(50.0, None)]),
    ("在 Llama-3.2-3B-Instruct 上平均准确率提升 **+2.0%**。", [(2.0, "%")]),
    ("-3.1% 的精度下降。", [(-3.1, "%")]),
])
def test_metric_values_and_units(text: str, expected: list[tuple[float, str | None]]) -> None:
    assert [(m.value, m.unit) for m in metrics_of(f"*   {text}")] == expected


@pytest.mark.parametrize("text", [
    "该基准构建于 2025 年的顶级会议论文。",               # year
    "数据快照日期为 2026-02-05。",                         # date
    "综合能力比肩 Claude Opus 4.5 和 GPT-5.2 (xhigh)。",   # versions inside names
    "超越 GLM-4.7 与 Qwen2.5-7B、InternVL2.5-8B。",
    "在 Artificial Analysis Intelligence Index v4.0 中排名第一。",
    "可在单张 RTX 4090 或 H100 上运行。",                  # hardware names
    "在 Terminal-Bench 2.0 和 Vending-Bench 2 上达到开源 SOTA。",
    "模型参数量为 744B，激活参数 40B，上下文 200K。",      # model sizes and context lengths
    "在 5 个基准、13 个模型和 700 帧视频上测试。",          # counts
    "见 arXiv 2602.02958 与 2602.15772。",                 # arXiv ids
    "在 N=4 时效果最佳，稀疏比例为 1:11，旋转 75°。",      # settings
    "训练使用 8 张 A100（80GB）与 1.5TB 主机内存。",       # hardware capacities
    "（1）先检索；（2）再生成。",                           # inline enumeration
    "随着智能体数量从 4 增加到 64，性能持续上升。",         # bare integers without a score cue
    "采用 4-bit 量化与 20-Entropy 基线。",
])
def test_numbers_that_are_not_figures_produce_no_rows(text: str) -> None:
    assert values(f"*   {text}") == []


@pytest.mark.parametrize("text,expected", [
    # A year.month range, a ± spread, cores and views are not figures.
    ("LiveCodeBench v6（2025.02–2025.05）：pass@1 为 63.5%。", [63.5]),
    ("主观评测：MOS 为 4.38 ± 0.07。", [4.38]),
    ("效率：在 CPU（16 核）上 RTF 从 0.21 降至 0.12。", [0.12]),
    ("RealEstate10K（2 视图）：PSNR 27.82 dB、SSIM 0.874。", [27.82, 0.874]),
])
def test_dates_spreads_and_counts_are_not_figures(text: str, expected: list[float]) -> None:
    assert values(f"*   {text}") == expected


def test_document_metrics_are_not_benchmarks() -> None:
    results = "*   **OmniDocBench**：\n    *   其中文本编辑距离 0.061，公式 CDM 得分 86.2，表格 TEDS 为 88.4。"
    assert [m.benchmark for m in metrics_of(results)] == ["OmniDocBench"] * 3


@pytest.mark.parametrize("text,direction", [
    ("以少 31% 的训练 FLOPs 达到与 Top-4 路由相同的验证损失。", "decrease"),
    ("草稿模型额外占用约 14% 的显存。", "increase"),
])
def test_more_change_phrasings(text: str, direction: str) -> None:
    [row] = metrics_of(f"*   {text}")
    assert (row.role, row.change_direction) == ("change", direction)


@pytest.mark.parametrize("text,expected", [
    # Another model's figure in a clause of its own after this paper's: one paired row.
    ("*   **JudgeBench**：准确率 64.0%，GPT-4o 为 56.6%。", [("JudgeBench", 64.0, 56.6, "result", "GPT-4o")]),
    # Both figures quoted as others': two baselines.
    ("*   作为对比，Qwen2.5-VL-7B 为 864 分，GPT-4o 为 805 分。",
     [(None, 864.0, None, "baseline", None), (None, 805.0, None, "baseline", "GPT-4o")]),
    # 接近 X（y）: the compared system's figure.
    ("*   **OCRBench**：得分 871，接近 Qwen2.5-VL-72B（885）。", [("OCRBench", 871.0, 885.0, "result", "Qwen2.5-VL-72B")]),
    # A gap is never one side of a pair; the second compared system with 约 in its parentheses is compared too.
    ("*   综合得分 7.12，与 28 步教师（7.31）相差仅 0.19 分，显著高于 Hyper-SD 编辑版（6.05）。",
     [(None, 7.12, 7.31, "result", "28 步教师"), (None, 0.19, None, "result", "Hyper-SD 编辑版"),
      (None, 6.05, None, "baseline", "Hyper-SD 编辑版")]),
    ("*   **WebArena**：成功率 61.7%，超过 OpenAI Operator（58.1%）与 Claude Computer Use（约 35.8%）。",
     [("WebArena", 61.7, 58.1, "result", "OpenAI Operator"), ("WebArena", 35.8, None, "baseline", "Claude Computer Use")]),
])
def test_compared_systems_figures(text: str, expected: list) -> None:
    assert [(m.benchmark, m.value, m.baseline, m.role, m.compared_to) for m in metrics_of(text)] == expected


@pytest.mark.parametrize("text,expected", [
    # A system named bare in parentheses after this paper's figure, in the same unit.
    ("*   在 LongBench v2 上准确率为 38.9%（全注意力 39.4%）。", [("LongBench v2", 38.9, 39.4, "result", "全注意力")]),
    # A list of changes goes on as changes though the compared system is a 基线.
    ("*   MMLU 得分 58.3，HellaSwag 76.9，GSM8K 45.2，分别比 Top-4 基线高 1.1、0.6 和 2.8 分。",
     [("MMLU", 58.3, None, "result", None), ("HellaSwag", 76.9, None, "result", None), ("GSM8K", 45.2, None, "result", None),
      ("MMLU", 1.1, None, "change", None), ("HellaSwag", 0.6, None, "change", None), ("GSM8K", 2.8, None, "change", None)]),
])
def test_more_compared_and_listed_figures(text: str, expected: list) -> None:
    assert [(m.benchmark, m.value, m.baseline, m.role, m.compared_to) for m in metrics_of(text)] == expected


def test_metric_benchmark_comes_from_the_parent_bullet_label() -> None:
    results = (
        "*   **长文本能力 (RULER 基准)**：\n"
        "    *   在 32k 上下文长度下，HySparse 的平均分（87.4）显著高于全注意力模型（82.1）。\n"
        "*   **通用**：在 MMLU 上得分从 56.9 提升至 58.8。"
    )
    rows = metrics_of(results)
    assert [(m.benchmark, m.value, m.baseline, m.compared_to) for m in rows] == [
        ("RULER", 87.4, 82.1, "全注意力模型"), ("MMLU", 58.8, 56.9, None)]


def test_vs_pair_is_one_result_row_with_its_baseline() -> None:
    rows = metrics_of("*   在部分任务（如 WorldSense）上，其表现超越了全Token模型（50.0 vs 49.7）。")
    assert [(m.benchmark, m.value, m.baseline, m.role) for m in rows] == [("WorldSense", 50.0, 49.7, "result")]


@pytest.mark.parametrize("text,expected", [
    # Styles not in the seed reports: English phrasing, AUROC after the number, arrows, baselines in parentheses.
    ("It improves accuracy from 61.0% to 67.5% on GSM8K.", [("GSM8K", 67.5, 61.0)]),
    ("在 PubMedQA 上，Llama-3-8B 达到 0.942 AUROC；PubMedQA 0.9566–0.9815 AUROC。",
     [("PubMedQA", 0.942, None), ("PubMedQA", 0.9815, None)]),
    ("美学评分↑2.5个点。", [(None, 2.5, None)]),
    ("FID 降低至 8.7（基线 10.2）。", [(None, 8.7, 10.2)]),
    ("在 SWE-bench Verified 上取得 72.4% 的解决率，超过 Claude 3.7 Sonnet（70.3%）。",
     [("SWE-bench Verified", 72.4, 70.3)]),
    ("在 HumanEval 上 pass@1 达到 90.2。", [("HumanEval", 90.2, None)]),
])
def test_metric_extraction_on_unseen_phrasings(text: str, expected: list) -> None:
    assert [(m.benchmark, m.value, m.baseline) for m in metrics_of(f"*   {text}")] == expected


def test_each_occurrence_of_a_figure_is_its_own_row_with_its_section() -> None:
    # LABELLING.md: a number restated in 一句话核心贡献 is a second row; its evidence and section differ.
    rows = metrics_of("*   显存占用减少高达 **11 倍**。",
                      contribution="将显存占用降低高达 11 倍，并使 Spearman 系数达 0.91。")
    assert [(m.value, m.section) for m in rows] == [(11.0, "results"), (11.0, "contribution"), (0.91, "contribution")]


def test_r3_reports_geneval_plus_plus() -> None:
    rows = extract_metrics(SEED["2602.15772"])
    assert any(m.benchmark and "GenEval++" in m.benchmark and m.value == 0.962 for m in rows)
    assert any(m.value == 84.6 and m.baseline == 79.3 for m in rows)


def test_quant_videogen_reports_psnr_and_memory_reduction() -> None:
    rows = extract_metrics(SEED["2602.02958"])
    assert any(m.benchmark == "LongCat-Video" and m.metric == "PSNR" and m.value == 29.17 for m in rows)
    assert any(m.value == 11 and m.unit == "x" and m.metric == "memory" and m.direction == "reduce" for m in rows)
    assert not any(m.value in (4090, 2, 8) for m in rows)  # RTX 4090, 2-Bit, HY-WorldPlay-8B


@pytest.mark.parametrize("pid", sorted(SEED))
def test_seed_metric_rows_are_well_formed(pid: str) -> None:
    for m in extract_metrics(SEED[pid]):
        assert m.direction in {"improve", "reduce", "none"}
        assert m.section in {"results", "contribution", "innovations", "usage"}
        assert m.role in {"result", "baseline", "change"}
        assert (m.change_direction is not None) <= (m.role == "change")
        assert m.evidence and "**" not in m.evidence
        assert not (1990 <= m.value <= 2030 and m.unit is None and m.value == int(m.value))  # no years


# ---------------------------------------------------------------- facts

def test_facts_of_glm5() -> None:
    facts = extract_facts(SEED["2602.15763"])
    assert isinstance(facts, PaperFacts)
    assert "744B" in facts.model_sizes and "Ascend" in facts.hardware
    assert facts.code_status == "released"
    assert {"SWE-bench Verified", "CC-Bench-V2"} <= set(facts.datasets)


def test_facts_of_quant_videogen() -> None:
    facts = extract_facts(SEED["2602.02958"])
    assert {"RTX 4090", "H100"} <= set(facts.hardware)
    assert "LongCat-Video" in facts.datasets


def test_facts_of_r3_have_the_github_url() -> None:
    facts = extract_facts(SEED["2602.15772"])
    assert (facts.code_status, facts.code_url) == ("released", "https://github.com/sen-ye/R3")
    assert "H20" in facts.hardware and "GenEval++" in facts.datasets


@pytest.mark.parametrize("usage,status", [
    ("*   **代码**：代码已开源。", "released"),
    ("*   **开源情况**：代码、模型、数据集和基准测试均开源。", "released"),
    ("*   **代码情况**：文中提到代码已开源（具体链接在原文中未显示）。", "released"),
    ("*   **代码获取**：代码和数据集将在论文被接收后开源。", "promised"),
    ("*   **资源**：论文作者承诺将开源代码和相关数据。", "promised"),
    ("*   **Code**: the code will be released upon acceptance.", "promised"),
    ("*   **注意**：未直接提供单一的开源代码库。", "not stated"),
    ("*   **开源情况**：属于闭源商业模型，通过 API 提供服务。", "closed"),
    ("*   **代码/数据**：论文提到了相关数据集（如 Panda）已在 GitHub 开源。", "not stated"),  # someone else's data
    ("*   只有闭源的 GPT/Gemini 系列才缩小差距。", "not stated"),  # closed models it describes
    ("*   **硬件**：单张 GPU 即可运行。", "not stated"),
])
def test_code_status(usage: str, status: str) -> None:
    assert extract_facts(make_paper(usage=usage)).code_status == status


def test_facts_sizes_and_hardware_from_inline_text() -> None:
    facts = extract_facts(make_paper(usage=(
        "*   **硬件**：在 8 张 NVIDIA H800 与昇腾 910B 上训练，也可在消费级显卡上推理。\n"
        "*   **模型**：基于 Qwen2.5-7B 与 8.32亿参数的小模型，语料 3500亿token。"
    )))
    assert facts.hardware == ["H800", "Ascend", "consumer GPU"]
    assert facts.model_sizes == ["7B", "0.832B"]


def test_hardware_in_any_letter_case() -> None:
    # Hardware patterns ignore case, so their quick word check must too: ſ and ı match s and i under re.I.
    facts = extract_facts(make_paper(usage="在 8 张 AſCEND 910B、h100、Rtx 4090 与 CAMBRİCON 芯片上训练。"))
    assert facts.hardware == ["RTX 4090", "H100", "Ascend", "Cambricon"]


@pytest.mark.parametrize("pid", sorted(SEED))
def test_facts_with_the_metrics_passed_in_are_the_same(pid: str) -> None:
    paper = SEED[pid]
    assert extract_facts(paper, extract_metrics(paper)) == extract_facts(paper)


def test_an_enumeration_led_by_a_conjunction_names_no_empty_benchmark() -> None:
    facts = extract_facts(make_paper(results="*   在 and MMLU 基准上达到 71.3%。\n*   在 or 基准上持平。"))
    assert "MMLU" in facts.datasets and "" not in facts.datasets


# ---------------------------------------------------------------- quick checks that only save time

_TRICKY = ["MMLU benchmarksGSM8K 基准", "2WikiMultiHopQA、HotpotQA 数据集", "xMMLU、CMMLU等基准", "Qwen2.5-7B 基准",
           "leaderboardsArena-Hard 榜单", "在 SWE-bench Verified 上得分为 71", "HumanEval评分 90.2", "F1分数提升 3.2"]


def test_name_patterns_find_the_same_without_their_start_check() -> None:
    """`_NAME_START` skips starts inside a word; the patterns must find exactly what they find without it."""
    from kb import benchmark_names

    texts = _TRICKY + [s.text for p in SEED.values() for s in p.sections if s.key in ("results", "contribution")]
    patterns = [benchmark_names._ENUM_BEFORE_RE] + [rx for rx, _, _ in benchmark_names._BENCH_RES]
    for rx in (rx for rx in patterns if benchmark_names._NAME_START in rx.pattern):
        unchecked = re.compile(rx.pattern.replace(benchmark_names._NAME_START, "", 1))
        for text in texts:
            assert [m.span(1) for m in rx.finditer(text)] == [m.span(1) for m in unchecked.finditer(text)], text


def test_word_prefilters_pass_every_text_their_pattern_matches() -> None:
    from kb import extract, metric_names, word_patterns

    patterns = [p for p, _ in metric_names._METRICS] + [p for p, _, _ in extract._HARDWARE]
    words = [w.removeprefix(r"\b").removesuffix(r"\b") for p in patterns for w in p.split("|")]
    texts = _TRICKY + [f"在{w}上" for w in words] + [s.text for p in SEED.values() for s in p.sections]
    # re.I matches ſ to s, ı and İ to i and the Kelvin sign to k.
    texts += [t.swapcase() for t in texts] + [t.translate(str.maketrans("sSiIk", "ſſıİK")) for t in texts]
    matched = 0
    for text in texts:
        folded = word_patterns.fold_case(text)
        for rx, name, prefilter in metric_names._METRIC_RES:
            if prefilter is not None and rx.search(text):
                matched += 1
                assert prefilter.search(folded), (name, text)
        for rx, name, words in extract._HARDWARE_RES:
            if rx.search(text):
                matched += 1
                assert any(w in folded for w in words), (name, text)
    assert matched > 1000

# ---------------------------------------------------------------- purity and the gold set

@pytest.mark.parametrize("module", ["extract.py", "metrics.py", "numbers.py", "respective.py", "subsets.py", "evaluated.py"])
def test_extraction_modules_are_pure(module: str) -> None:
    tree = ast.parse((ROOT / "kb" / module).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "bisect", "re", "dataclasses", "kb"}
    assert "open(" not in (ROOT / "kb" / module).read_text(encoding="utf-8")


def _load_eval_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_metrics", ROOT / "bench" / "eval_metrics.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_gold_set_has_roles_for_at_least_30_seed_papers() -> None:
    header, rows = _load_eval_module().read_jsonl(GOLD)
    assert "blind" in header.lower()
    papers = {r["paper_id"] for r in rows}
    assert len(papers) >= 30 and papers <= set(SEED)
    assert all(r["role"] in {"result", "baseline", "change"} for r in rows)
    assert all(r["change_direction"] in {"increase", "decrease", None} for r in rows)


def test_extraction_keeps_its_in_sample_scores() -> None:
    # Measured on the seed gold (in-sample; the held-out figures are in BENCHMARKS.md). Its floors are below round
    # 19's because the seed labels follow two conventions later sets decided otherwise (LABELLING.md and the dev
    # headers): the scores of the systems a benchmark paper evaluates are results there (ResearchGym's GPT-5
    # runs), and the share of data or budget a method needs is a change (仅需 10% 的训练数据).
    score = _load_eval_module().evaluate(DATA, GOLD)
    assert score.n_gold >= 100
    assert score.precision >= 0.86, score.false_positives
    assert score.recall >= 0.83, score.misses
    assert score.role_accuracy >= 0.92, score.wrong
    assert score.benchmark_accuracy >= 0.84, score.wrong


def test_domain_tags_keep_their_in_sample_f1() -> None:
    tags = _load_eval_module().score_tags(GOLD.parent / "domains.jsonl", SEED)
    assert tags.papers == 48
    assert tags.f1 >= 0.91, (tags.missing, tags.extra)


# The dev sets are tuned on, like the seed gold (dev since extractor version 2, dev2, which covers a
# much wider range of ML fields, since version 3); held-out figures are in BENCHMARKS.md.
# (folder, precision, recall, role accuracy, benchmark accuracy, domain F1, code status): a little
# under the measured figures, so a regression fails.
# dev2's benchmark floor is below its 0.975 of round 4: it names subsets by family alone (AMOS for
# "AMOS 2022：CT / MRI 子任务"), which LABELLING.md now writes AMOS (CT).
# dev10's and dev22's benchmark floors are below their round-23 levels: they name a generic 测试集 as a split
# (MagicBrush (test)), which LABELLING.md has since settled as the family name alone.
# dev's floors are below round 19's: it also names subsets by family alone (Video-MME for "Video-MME（无字幕）",
# R2R-CE for "R2R-CE val-unseen"), and calls the share of data a method needs a change, where every blind labeller
# since dev9 calls it a result (round 20 follows them).
DEV_FLOORS = [("dev", 0.93, 0.92, 0.98, 0.92, 0.87, 0.95), ("dev2", 0.96, 0.95, 0.99, 0.94, 0.86, 0.95),
              ("dev3", 0.88, 0.88, 0.95, 0.89, 0.82, 0.95), ("dev4", 0.91, 0.92, 0.96, 0.92, 0.88, 0.95),
              ("dev5", 0.92, 0.90, 0.97, 0.93, 0.91, 0.95), ("dev6", 0.88, 0.88, 0.97, 0.87, 0.94, 0.95),
              ("dev7", 0.90, 0.90, 0.97, 0.90, 0.89, 0.95), ("dev8", 0.89, 0.91, 0.96, 0.93, 0.88, 0.95),
              ("dev9", 0.88, 0.87, 0.96, 0.89, 0.85, 0.95), ("dev10", 0.84, 0.85, 0.95, 0.84, 0.89, 0.95),
              ("dev11", 0.94, 0.95, 0.96, 0.97, 0.91, 0.95), ("dev12", 0.94, 0.97, 0.99, 0.95, 0.87, 0.95),
              ("dev13", 0.93, 0.92, 0.96, 0.96, 0.89, 0.95), ("dev14", 0.95, 0.94, 0.97, 0.95, 0.86, 0.95),
              ("dev15", 0.90, 0.91, 0.95, 0.94, 0.92, 0.95), ("dev16", 0.90, 0.89, 0.98, 0.89, 0.86, 0.95),
              ("dev17", 0.96, 0.95, 0.97, 0.96, 0.89, 0.95), ("dev18", 0.90, 0.91, 0.96, 0.92, 0.87, 0.95),
              ("dev19", 0.92, 0.92, 0.98, 0.92, 0.93, 0.95), ("dev20", 0.98, 0.98, 0.98, 0.98, 0.90, 0.95),
              ("dev21", 0.95, 0.96, 0.97, 0.96, 0.90, 0.95), ("dev22", 0.92, 0.92, 0.99, 0.88, 0.95, 0.95),
              ("dev23", 0.92, 0.94, 0.98, 0.96, 0.89, 0.90), ("dev24", 0.90, 0.92, 0.97, 0.93, 0.90, 0.95),
              ("dev25", 0.95, 0.94, 0.96, 0.99, 0.95, 0.95), ("dev26", 0.90, 0.89, 0.97, 0.88, 0.90, 0.95),
              ("dev27", 0.91, 0.90, 0.97, 0.90, 0.91, 0.95), ("dev28", 0.91, 0.90, 0.98, 0.90, 0.89, 0.95)]


@pytest.mark.parametrize("name,precision,recall,role,benchmark,domain_f1,code", DEV_FLOORS)
def test_extraction_keeps_its_dev_scores(name: str, precision: float, recall: float, role: float, benchmark: float,
                                         domain_f1: float, code: float) -> None:
    folder = ROOT / "tests" / "gold" / name
    ev = _load_eval_module()
    [report] = sorted(folder.glob("*.md"))
    score = ev.evaluate(report, folder / "metrics.jsonl")
    assert score.n_gold >= 90  # every dev set has 20 papers and 90 figures or more (dev20 has 91)
    assert score.precision >= precision, score.false_positives
    assert score.recall >= recall, score.misses
    assert score.role_accuracy >= role, score.wrong
    assert score.benchmark_accuracy >= benchmark, score.wrong
    papers = ev.load_papers(report)
    assert ev.score_tags(folder / "domains.jsonl", papers).f1 >= domain_f1
    assert ev.score_code(folder / "code_status.jsonl", papers)[0] >= code


def test_eval_set_switch_names_a_gold_folder(capsys: pytest.CaptureFixture[str]) -> None:
    ev = _load_eval_module()
    assert ev.main(["--set", "dev"]) == 0
    by_set = capsys.readouterr().out
    assert ev.main(["--dev"]) == 0  # the old switch is an alias of --set dev
    assert capsys.readouterr().out == by_set
    with pytest.raises(SystemExit):
        ev.main(["--set", "no-such-set"])


def test_scoring_needs_value_role_and_canonical_benchmark() -> None:
    ev = _load_eval_module()

    def row(value: float, bench: str | None, role: str = "result") -> Metric:
        return Metric(bench, None, value, None, "none", None, None, "", "results", role=role)

    gold = {"p": [{"paper_id": "p", "value": 1.0, "role": "result", "benchmark": "AIME 2024, AIME 2025"},
                  {"paper_id": "p", "value": 2.0, "role": "change", "benchmark": None}], "q": []}
    preds = {"p": [row(1.0, "AIME25"), row(2.0, None, role="result"), row(3.0, None)], "q": [row(5.0, None)]}
    score = ev.score(gold, preds)
    assert (score.n_correct, score.n_value_match, score.n_pred, score.n_gold) == (1, 2, 4, 2)
    assert score.role_accuracy == 0.5 and score.benchmark_accuracy == 1.0  # "AIME25" is AIME 2025
    assert ev.same_benchmark("GSM8K, MATH-500", "MATH500") and not ev.same_benchmark("MMLU", "MMLU-Pro")
    assert ev.same_benchmark(None, None)


# ---------------------------------------------------------------- roles (issue 13)

def one(text: str) -> Metric:
    [m] = metrics_of(f"*   {text}")
    return m


def test_glm5_result_carries_the_compared_score_of_glm47() -> None:
    rows = [m for m in extract_metrics(SEED["2602.15763"]) if m.benchmark == "Artificial Analysis Intelligence Index"]
    assert [(m.value, m.baseline, m.compared_to, m.role) for m in rows] == [(50.0, 42.0, "GLM-4.7", "result")]
    assert rows[0].benchmark_raw == "Artificial Analysis Intelligence Index v4.0"


def test_quant_videogen_latency_is_a_cost() -> None:
    rows = {m.value: m for m in extract_metrics(SEED["2602.02958"])}
    m = rows[2.1]
    assert (m.role, m.change_direction, m.better, m.metric, m.setting) == ("change", "increase", "lower", "latency", "LongCat")
    assert (rows[5.0].role, rows[5.0].qualifier) == ("change", "<")
    assert (rows[11.0].role, rows[11.0].change_direction, rows[11.0].qualifier) == ("change", "decrease", "up to")


@pytest.mark.parametrize("text,expected", [
    # (role, value, baseline, compared_to, change_direction, better, qualifier)
    ("准确率从 61.2% 提升至 64.0%。", ("result", 64.0, 61.2, None, None, "higher", None)),
    ("平均分（72.5）显著高于标准微调（70.1）。", ("result", 72.5, 70.1, "标准微调", None, "higher", None)),
    ("精度提升了 98% 至 133%。", ("change", 133.0, None, None, "increase", "higher", "range")),
    ("推理延迟降低了 40% 以上。", ("change", 40.0, None, None, "decrease", "lower", ">")),
    ("实现了 2.0× 的端到端加速。", ("change", 2.0, None, None, "increase", "higher", None)),
    ("VBench 质量评分下降小于 0.5%。", ("change", 0.5, None, None, "decrease", "higher", "<")),
    ("MDF 耗时约 450 秒，而全量微调需 2519 秒。", ("result", 450.0, 2519.0, "全量微调", None, "lower", "≈")),
    ("在 HumanEval 上 Pass@1 达到 83.5%。", ("result", 83.5, None, None, None, "higher", None)),
    # The share of the data a method needs is a level it reaches, as every blind labeller since dev9 reads it (the
    # seed gold, labelled earlier, calls it a change).
    ("仅需 10% 的训练数据即可达到全量训练的性能。", ("result", 10.0, None, None, None, None, None)),
])
def test_roles_of_the_issue_examples(text: str, expected: tuple) -> None:
    m = one(text)
    assert (m.role, m.value, m.baseline, m.compared_to, m.change_direction, m.better, m.qualifier) == expected


def test_a_gain_beside_a_result_is_a_second_change_row() -> None:
    rows = metrics_of("*   准确率达到 64.0%，提升 2.8%。")
    assert [(m.value, m.role) for m in rows] == [(64.0, "result"), (2.8, "change")]


def test_gains_listed_with_respectively_share_the_change_role() -> None:
    rows = metrics_of("*   LLaDA-1.5 和 Dream-7B 的平均性能分别提升了 4.5% 和 12.4%。")
    assert [(m.value, m.role, m.change_direction) for m in rows] == [(4.5, "change", "increase"), (12.4, "change", "increase")]


@pytest.mark.parametrize("text,kept", [
    ("在 4× 超分任务上，PSNR 达到 32.5。", [32.5]),              # a magnification is the task, not a speed-up
    ("在 1024×1024 分辨率下，FID 为 12.3。", [12.3]),             # a resolution
    ("采用 2×2 的 patch 合并，速度提升 1.8 倍。", [1.8]),          # a shape
    ("在平均约 3.2 bit 的压缩下，困惑度仅为 5.8。", [5.8]),         # a bit width is a setting
    ("在 Token 保留率为 25% 时，准确率保持 98.5%。", [98.5]),       # the condition of the clause
    ("在参数量减少 2-3 倍的情况下，性能优于通用编码器。", []),
    ("在保持 99.1% 精度的情况下，实现 2.1 倍加速。", [99.1, 2.1]),    # a retained level is a result
    ("在仅使用 10% 训练数据的情况下达到全量训练的性能。", [10.0]),   # the paper's saving is a change
    ("仅屏蔽 0.01% 的 token 即可稳定训练。", []),                   # a share of the data
    ("根源在于极少量（约0.01%）的虚假 Token。", []),
    ("减少 50% 的视觉 token，速度提升 1.6 倍。", [50.0, 1.6]),       # cutting tokens by half is a claim
])
def test_shapes_settings_and_shares_of_data_are_not_figures(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


@pytest.mark.parametrize("text,benchmarks", [
    ("在 MMLU、GSM8K 和 HumanEval 上分别达到 71.2%、85.3% 和 62.1%。", ["MMLU", "GSM8K", "HumanEval"]),
    ("在 AIME 2024、AIME 2025 和 GPQA 上的准确率分别为 80.1%、72.3% 和 65.0%。", ["AIME 2024", "AIME 2025", "GPQA"]),
    # names the registry knows but does not spot in running text (Weather); a second list reuses the names
    ("在 ETTh1、ETTm1 和 Weather 上，MSE 分别为 0.398、0.341 和 0.226。", ["ETTh1", "ETTm1", "Weather"]),
    ("在 RealEstate10K 和 ACID 上 PSNR 分别为 27.83 dB 和 28.61 dB，SSIM 分别为 0.881 和 0.842。",
     ["RealEstate10K", "ACID", "RealEstate10K", "ACID"]),
    # names that do not line up with the figures are left to the per-figure reading
    ("在 MMLU 和 GSM8K 上分别提升 1.2%、2.3% 和 3.1%。", ["GSM8K", "GSM8K", "GSM8K"]),
])
def test_figures_listed_with_respectively_pair_with_the_names_in_order(text: str, benchmarks: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(f"*   {text}")] == benchmarks


@pytest.mark.parametrize("text,expected", [
    # (value, role, baseline, compared_to) of each row
    ("WER 为 1.83%（F5-TTS 为 2.42%）。", [(1.83, "result", 2.42, "F5-TTS")]),
    ("得分 8.41，与 GPT-4o-mini（8.38）相当。", [(8.41, "result", 8.38, "GPT-4o-mini")]),
    ("平均接受长度为 5.12 个 Token，相比 EAGLE-2 的 4.37 提升 17%。",
     [(5.12, "result", 4.37, "EAGLE-2"), (17.0, "change", None, None)]),
    ("总分 85.9，高于 Wan2.1（84.7）与 HunyuanVideo（83.2）。",
     [(85.9, "result", 84.7, "Wan2.1"), (83.2, "baseline", None, "HunyuanVideo")]),
    ("LPIPS 从 0.3142（OSEDiff）降至 0.2873。", [(0.2873, "result", 0.3142, None)]),
    ("量化时间从 30 小时缩短至约 11 小时。", [(11.0, "result", 30.0, None)]),
    ("耗时 1.3 s，而 AlphaFold2（含 MSA 搜索）需要约 80 s。", [(1.3, "result", 80.0, "AlphaFold2（含 MSA 搜索）")]),
    # a ratio is a change even as a level, and stays one when paired
    ("加速比仍保持在 1.9×，而 Medusa 已降至 1.2×。", [(1.9, "change", 1.2, "Medusa")]),
    ("成功率仅下降 6 个百分点，而 SFT 基线下降 24 个百分点。", [(6.0, "change", 24.0, "SFT 基线")]),
    ("PSNR 仅比在 DL3DV 上微调的模型低 0.4 dB。", [(0.4, "change", None, None)]),
    ("在难题上长度几乎不变（+3%）。", [(3.0, "change", None, None)]),
    ("生成速度提升，仅需约 9 分钟。", [(9.0, "result", None, None)]),  # 仅需 of a time is a level
    # a baseline word that the figure is measured against, or a variant of the metric, is no baseline
    ("相对 RL 前的基座模型胜率为 64.2%。", [(64.2, "result", None, None)]),
    ("LC Win Rate 为 52.3%，原始胜率（Raw WR）为 49.8%。", [(52.3, "result", None, None), (49.8, "result", None, None)]),
])
def test_compared_figures_pair_with_this_papers(text: str, expected: list[tuple]) -> None:
    rows = metrics_of(f"*   {text}")
    assert [(m.value, m.role, m.baseline, m.compared_to if m.baseline is not None or m.role == "baseline" else None)
            for m in rows] == expected


@pytest.mark.parametrize("line,roles_", [
    ("**参考**：π0 在相同真机任务上的平均成功率为 52%。", ["baseline"]),
    ("**参考**：作为对照，Operator 的 WebArena 成绩为 58.1%，而 GPT-4o 仅为 14.9%。", ["baseline", "baseline"]),
    ("**对比**：RegMix 在相同预算下的 MMLU 仅为 53.4。", ["baseline"]),
    ("**对比**：本文方法在 MMLU 上达到 58.8。", ["result"]),  # a comparison bullet may give this paper's figure
])
def test_bullets_that_quote_other_systems_hold_baselines(line: str, roles_: list[str]) -> None:
    assert [m.role for m in metrics_of(f"*   {line}")] == roles_


@pytest.mark.parametrize("text,kept", [
    ("平均推理 Token 数从 12.4K 降至 7.7K，而 L1-Max 仍需 9.8K Token。", [7.7, 9.8]),  # thousands that changed
    ("在 32K 上下文下准确率为 71.2%。", [71.2]),                                  # a context length is not
    ("平均输出长度从 4,120 Token 降至 2,350 Token。", [2350.0]),
    ("生成 1 分钟视频的耗时缩短 3.4×。", [3.4]),                                     # the length of the input
    ("在仅需 3 秒参考音频的条件下，WER 为 1.8%。", [1.8]),
    ("DRealSR（4×）：PSNR 为 28.91 dB。", [28.91]),                                  # the scale of a test set
    ("TM-score 提升 0.06，参数量仅为其 1/5。", [0.06]),                             # a fraction of a size
    ("相机旋转误差中位数为 1.9°。", [1.9]),                                          # an error in degrees
    ("平均接受长度为 5.12 个 Token。", [5.12]),                                      # an average is no count
    ("保留 FP16 模型 96% 以上的零样本准确率。", [96.0]),                               # 零样本 is zero-shot, not data
    ("将推理时的专家激活数减少至25%，可带来超过15%的解码加速。", [15.0]),               # the level a method is set to
])
def test_amounts_that_are_and_are_not_figures(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


def test_a_benchmark_paper_scores_on_its_own_benchmark() -> None:
    text = (
        "# R\n**Date**: 2026-01-01\n\n## 📄 HourVQA: A Benchmark for Hour-Long Video Understanding\n\n"
        "- **链接**: https://huggingface.co/papers/2601.00002\n\n1. **应用领域**：视频理解\n\n"
        "2. **一句话核心贡献**：构建了 HourVQA 基准，评估了 22 个模型。\n\n3. **使用指南**：无。\n\n"
        "4. **主要创新点**：无。\n\n5. **实验效果**：\n*   提供字幕后，各模型平均准确率提升 4.5%。\n"
        "*   在 Video-MME 上得分为 61.2%。\n*   推理延迟为 1.2 s。\n"
    )
    rows = extract_metrics(parse_report(text).papers[0])
    # Its costs too (a speculative-decoding benchmark's speedups, the latency measured on it).
    assert [(m.value, m.benchmark) for m in rows] == [(4.5, "HourVQA"), (61.2, "Video-MME"), (1.2, "HourVQA")]


def test_a_later_registry_name_beats_an_earlier_pattern_name() -> None:
    rows = metrics_of("*   在 GSM8K 上从 31.4 提升至 38.9，HumanEval 提升 3.7 分。")
    assert [(m.value, m.benchmark) for m in rows] == [(38.9, "GSM8K"), (3.7, "HumanEval")]


def test_registry_prefers_the_longer_name_sharing_a_short_ones_start() -> None:
    from kb.benchmarks import find_benchmarks
    assert [c for _, _, c, _ in find_benchmarks("在 GPQA-Diamond 和 GPQA 上")] == ["GPQA-Diamond", "GPQA"]


def test_setting_names_model_size_and_context() -> None:
    assert one("在 7B 模型上，MMLU 得分从全注意力的 56.9 提升至 58.8。").setting == "7B"
    assert "32k" in (one("HySparse 在 32k 长度下的平均分为 87.4。").setting or "")


# ---------------------------------------------------------------- benchmark registry

def test_registry_has_canonical_names_and_aliases() -> None:
    from kb.benchmarks import canonical, registry
    assert len(registry().names) >= 150
    for alias, name in [("AIME24", "AIME 2024"), ("aime 25", "AIME 2025"), ("MATH500", "MATH-500"), ("GSM-8K", "GSM8K"),
                        ("swe bench verified", "SWE-bench Verified"), ("VideoMME", "Video-MME"), ("Wikitext2", "WikiText-2"),
                        ("GPQA Diamond", "GPQA-Diamond"), ("HumanEval Plus", "HumanEval+"), ("MyNewBench", "MyNewBench")]:
        assert canonical(alias) == name


def test_registry_spots_names_in_running_text_but_not_inside_words() -> None:
    from kb.benchmarks import find_benchmarks
    spotted = [c for _, _, c, _ in find_benchmarks("在 GSM8K、MATH500 与 AIME 24 上；mathematics 与 BBHX 不算。")]
    assert spotted == ["GSM8K", "MATH-500", "AIME 2024"]


def test_leaderboard_names_match_families() -> None:
    from kb.benchmarks import matching
    known = ["SWE-bench Verified", "SWE-bench Multilingual", "MMLU", "AIME 2024"]
    assert matching("swe-bench", known) == ["SWE-bench Multilingual", "SWE-bench Verified"]
    assert matching("AIME24", known) == ["AIME 2024"] and matching("nothing", known) == []


def test_metric_benchmarks_are_canonical_with_the_raw_name_kept() -> None:
    m = one("在 MATH500 上准确率达到 81.2%。")
    assert (m.benchmark, m.benchmark_raw) == ("MATH-500", "MATH500")


def test_paper_benchmarks_list_names_without_figures() -> None:
    from kb.facts import paper_facts
    names = {b for b, _ in paper_facts(SEED["2602.04879"]).benchmarks}  # DPPO: AIME24/25 curves, no figure
    assert {"AIME 2024", "AIME 2025", "MATH"} <= names


# ---------------------------------------------------------------- domain tags from the whole paper

@pytest.mark.parametrize("pid,tag", [("2602.02958", "efficiency"), ("2602.04816", "efficiency"), ("2602.04145", "data")])
def test_tags_come_from_the_whole_paper(pid: str, tag: str) -> None:
    tags = {t.domain: t.evidence for t in tag_paper(SEED[pid])}
    assert tag in tags and tags[tag]


def test_alignment_alone_is_not_safety() -> None:
    assert "safety" not in {t.domain for t in tag_paper(SEED["2602.04816"])}  # Horizon-LM: 对齐 as post-training
    tags = {t.domain for t in tag_texts("A", "多模态大模型、视觉-语言对齐", "提出了一种视觉语言对齐方法。")}
    assert "safety" not in tags and "multimodal" in tags


@pytest.mark.parametrize("title,domain,contribution,absent,present", [
    # A vision-language or omni-modal LLM is multimodal, not a text LLM.
    ("Steering Robot Policies via Vision-Language Models", "机器人", "利用视觉-语言模型（VLM）合成奖励。", "llm", "multimodal"),
    ("Token Compression for Omni-modal Large Language Models", "多模态", "降低全模态大模型的计算开销。", "llm", "multimodal"),
    ("OmniRad: A Radiological Foundation Model", "医学影像", "提出放射学基础模型。", "multimodal", "medical"),
    # 量化了 is "quantified"; a benchmark compressed is not model efficiency.
    ("Quantifying the Gap", "评估", "量化了统一模型在理解与生成之间的差距。", "efficiency", "evaluation"),
    ("A2Eval", "评估", "在将基准测试集压缩 85% 的同时保持评估保真度。", "efficiency", "evaluation"),
    # A diffusion policy and the multimodality of an action distribution are robotics, not content generation.
    ("Steering Policies", "机器人", "引导预训练扩散或流匹配策略生成的动作轨迹，解决多模态特性导致的动作不连续。", "generation", "robotics"),
    ("Steering Policies", "机器人", "解决多模态特性导致的动作不连续。", "multimodal", "robotics"),
    # ASR of an attack, an embodied navigation agent, a proxy model, searching for a mixture, scores 在…基准上
    ("ReasonGuard", "安全", "将越狱攻击成功率（ASR）从 41.2% 降至 6.8%。", "audio", "safety"),
    ("NavDreamer", "具身导航", "使导航智能体在 R2R-CE 上的成功率提升。", "agents", "robotics"),
    ("MixOpt", "预训练数据", "在小代理模型上拟合扩展律，再外推以搜索最优数据配比。", "agents", "data"),
    ("MixOpt", "预训练数据", "在小代理模型上拟合扩展律，再外推以搜索最优数据配比。", "retrieval", "data"),
    ("TinyMath", "大语言模型推理", "使 1.5B 学生模型在多个数学基准上达到教师 98% 的性能。", "evaluation", "llm"),
    # A weak efficiency word in one place only (a video model that 压缩 its latents, a student 蒸馏 from a teacher).
    ("CineFlow", "视频生成", "以因果 VAE 压缩时空潜变量，生成分钟级连贯视频。", "efficiency", "video"),
    ("MathTutor-R", "大语言模型推理", "通过蒸馏长思维链数据训练 1.5B 数学推理模型。", "efficiency", "llm"),
    # An LLM agents benchmark is about agents; a video LLM is multimodal video understanding.
    ("DeskArena: Benchmarking LLM Agents on Office Work", "智能体评测", "构建了办公场景智能体基准。", "llm", "agents"),
])
def test_passing_words_do_not_earn_a_tag(title: str, domain: str, contribution: str, absent: str, present: str) -> None:
    tags = {t.domain for t in tag_texts(title, domain, contribution)}
    assert absent not in tags and present in tags


@pytest.mark.parametrize("title, contribution", [
    ("EchoLite: Low-Latency Streaming Speech Recognition", "提出流式语音识别模型。"),  # a weak word in the title
    ("FastVid", "以稀疏注意力把长视频生成的显存降低 40%。"),                          # a strong one in the contribution
    ("BudgetThink: Budget-Aware Policy Optimization for Reasoning", "让模型按思考预算自适应停止推理。"),
])
def test_efficiency_from_the_title_or_a_strong_word(title: str, contribution: str) -> None:
    assert "efficiency" in {t.domain for t in tag_texts(title, "大模型", contribution)}


def test_reasoning_is_not_inference_efficiency() -> None:
    tags = {t.domain for t in tag_texts("X", "多模态大模型、大模型推理优化 (Reasoning/RLHF)", "提升了跨模态推理的一致性。")}
    assert "efficiency" not in tags


# ---------------------------------------------------------------- linear time

def _extraction_seconds(text: str) -> float:
    """Best of three timings of every extraction step over a paper whose sections are `text`."""
    paper = make_paper(results=text, contribution=text, domain=text[:4000])
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        metrics = extract_metrics(paper)
        extract_facts(paper, metrics)
        extract_domains(paper.section("domain").text)  # type: ignore[union-attr]
        extract_links(paper)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("unit", [
    "提升 12.5% ",                 # one sentence that never ends, full of figures
    "从 1.5% 提升至 ",             # pairs chained without punctuation
    "（72.5）高于标准微调（",        # parenthesised comparisons
    "- 在 MMLU 上准确率提升 12.5%。\n",  # many short bullets
    "MMLU、GSM8K 等基准，",         # benchmark enumerations
    "在 MMLU 和 GSM8K 上分别为 1.5% 和 2.5%，",  # 分别 lists
])
def test_extraction_time_grows_linearly_with_input_size(unit: str) -> None:
    # Linear work gives ×4 from n to 4n and quadratic ×16; ×10 leaves room for a noisy machine.
    n = 300
    small, middle, large = (_extraction_seconds(unit * k * n) for k in (1, 2, 4))
    floor = 0.01  # below this a timing is noise; such inputs are fast whatever the ratio
    assert large / max(small, floor) < 10 and large / max(middle, floor) < 5, (small, middle, large)


@pytest.mark.parametrize("line, benchmark", [
    ("*   **Electricity（ECL）**：MSE / MAE 分别为 0.158 / 0.251。", "Electricity"),  # too ambiguous in running text
    ("*   **Traffic**：MSE 相比 iTransformer 降低 4.6%。", "Traffic"),
    ("*   **PANDA 前列腺 Gleason 分级**：二次加权 Kappa 为 0.942。", "PANDA"),
    ("*   **WeatherBench 2（ERA5，2020 年测试）**：Z500 RMSE 为 298。", "WeatherBench 2"),  # ERA5 is a note on it
])
def test_a_benchmark_named_at_the_head_of_a_bullet_is_its_figures_benchmark(line: str, benchmark: str) -> None:
    rows = metrics_of(line)
    assert rows and {m.benchmark for m in rows} == {benchmark}


def test_a_system_before_anchor_words_is_not_the_benchmark() -> None:
    [m] = metrics_of("*   PoseBusters：作为参考，AlphaFold 3 在同一基准上的成功率约为 80%。")
    assert (m.benchmark, m.role) == ("PoseBusters", "baseline")


def test_subsets_listed_after_their_family_take_the_subset_names() -> None:
    rows = metrics_of("*   **Amazon Reviews 2018**：在 Beauty、Sports、Toys 三个子集上，Recall@10 分别提升 8.7%、6.2% 和 9.5%。")
    assert [m.benchmark for m in rows] == ["Amazon Beauty", "Amazon Sports", "Amazon Toys"]


@pytest.mark.parametrize("line, expected", [
    # A list before 子集 with 分别: each figure its subset, in order.
    ("*   **LIBERO**：Spatial / Object / Goal / Long 四个子集的成功率分别为 98.4% / 99.2% / 97.0% / 93.8%。",
     ["LIBERO (Spatial)", "LIBERO (Object)", "LIBERO (Goal)", "LIBERO (Long)"]),
    # A parenthesis right after the family is part of the name, even before 整体.
    ("*   Video-MME（w/o subs）整体准确率为 67.9%。", ["Video-MME (w/o subs)"]),
    # One named subset takes the figures after it; the whole benchmark's figure before it stays the family's.
    ("*   Online-Mind2Web：成功率 48.3%，其中 Hard 子集为 31.6%。", ["Online-Mind2Web", "Online-Mind2Web (Hard)"]),
    ("*   RM-Bench：Hard 子集准确率为 72.9%，比最佳判别式 RM 高 5.6%。", ["RM-Bench (Hard)", "RM-Bench (Hard)"]),
    # Sizes are settings in a parenthesis (RULER（128K）) but subsets before 子集 (HR-Bench 的 4K 子集).
    ("*   在 RULER（128K）上平均得分 84.7。", ["RULER"]),
    ("*   在 HR-Bench 的 4K 与 8K 子集上分别为 71.3% / 66.0%。", ["HR-Bench (4K)", "HR-Bench (8K)"]),
    # A metric or a comma note in parentheses is not a subset.
    ("*   DocVQA（ANLS）：得分为 94.2。", ["DocVQA"]),
    # A suite joined by a hyphen; the average after 平均 is the family's again.
    ("*   在 LIBERO-Goal 与 LIBERO-Long 上分别为 95.1% 和 90.3%，平均为 92.7%。", ["LIBERO (Goal)", "LIBERO (Long)", "LIBERO"]),
    # Named without a keyword where the form says where the names end: levels, a Chinese list before 子项, versions.
    ("*   GAIA：在 Level 1、Level 2 上分别达到 70.1% 和 52.4%。", ["GAIA (Level 1)", "GAIA (Level 2)"]),
    ("*   T2I-CompBench：在颜色、纹理两个子项上分别为 0.81 和 0.74。", ["T2I-CompBench (颜色)", "T2I-CompBench (纹理)"]),
    ("*   MMBench 英文版与中文版分别为 80.2 和 79.5。", ["MMBench (英文版)", "MMBench (中文版)"]),
    # VBench-Long is a leaderboard of its own, not VBench.
    ("*   在 VBench-Long 上总分为 84.0%。", ["VBench-Long"]),
])
def test_a_named_subset_is_stored_after_its_family(line: str, expected: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(line)] == expected


def test_a_benchmark_paper_reports_the_systems_it_evaluates_as_baselines() -> None:
    paper = make_paper(
        title="OfficeBench-X: Benchmarking LLM Agents on Office Workflows",
        contribution="构建了包含 612 个办公任务的智能体基准 OfficeBench-X，并对 14 个前沿模型进行系统评测。",
        results="*   **总体成功率**：GPT-5 为 38.6%，Claude Opus 4.1 为 35.9%，开源模型中表现最好的 Qwen3-235B-A22B 仅为 21.4%。\n"
                "*   **人类对照**：人类专家的平均成功率为 87.5%。\n"
                "*   **一致性**：自动评分与人工评分的一致率为 94%。")
    rows = {m.value: m for m in extract_metrics(paper)}
    assert {v: (rows[v].role, rows[v].compared_to) for v in (38.6, 35.9, 21.4, 87.5)} == {
        38.6: ("baseline", "GPT-5"), 35.9: ("baseline", "Claude Opus 4.1"), 21.4: ("baseline", "Qwen3-235B-A22B"),
        87.5: ("baseline", "人类专家")}
    assert rows[94.0].role == "result"  # the paper's own measurement of its benchmark
    assert {m.benchmark for m in rows.values()} == {"OfficeBench-X"}


def test_evaluated_systems_are_read_in_the_other_ways_benchmark_papers_write_them() -> None:
    paper = make_paper(
        title="WebBench-Live: Evaluating Web Agents on Live Websites",
        contribution="构建了 WebBench-Live，一个覆盖 1,000 个真实网站的 Web 智能体基准；对主流智能体的系统评测显示，"
                     "即便最强的 OpenAI Operator 成功率也仅为 38.6%。",
        results="*   **总体成绩**：Gemini 2.5 Pro 准确率 62.7%，GPT-4o 为 51.4%。\n"
                "*   **时序定位**：最佳模型的 mIoU 仅为 0.21。")
    rows = sorted((m.value, m.role, m.compared_to) for m in extract_metrics(paper))
    assert rows == [(0.21, "baseline", "最佳模型"), (38.6, "baseline", "OpenAI Operator"), (51.4, "baseline", "GPT-4o"),
                    (62.7, "baseline", "Gemini 2.5 Pro")]


@pytest.mark.parametrize("usage, status", [
    ("*   **开源情况**：全部尺寸的模型权重已在 Hugging Face 开放下载，支持商用。", "released"),
    ("*   **开源情况**：该系统部署于公司内部，代码与模型均不对外开放。", "closed"),
    ("*   **开源情况**：数据集与评测脚本已在 Hugging Face 发布。", "released"),
])
def test_code_status_of_round_six(usage: str, status: str) -> None:
    assert extract_facts(make_paper(usage=usage), []).code_status == status


@pytest.mark.parametrize("contribution", [
    "构建了长视频问答基准，系统评测了闭源与开源视频大模型。",
    "构建了双语评测集，将主流闭源、开源及医疗专用大模型与住院医师进行同题对比。",
])
def test_the_kinds_of_models_evaluated_say_nothing_of_the_code(contribution: str) -> None:
    assert extract_facts(make_paper(contribution=contribution), []).code_status == "not stated"


def test_an_innovation_bullet_keeps_a_measured_agreement_and_drops_a_zero_setting() -> None:
    innov = ("# Hugging Face Daily Papers Report\n**Date**: 2026-01-01\n\n## 📄 T\n\n"
             "- **链接**: https://huggingface.co/papers/2601.00002\n\n1. **应用领域**：NLP\n\n2. **一句话核心贡献**：提出。\n\n"
             "3. **使用指南**：无。\n\n4. **主要创新点**：\n*   **自动评判器**：与人工判定的一致率达到 93.1%（Cohen's κ 为 0.86）。\n"
             "*   **提示注入**：当组内奖励均为 0 时注入提示。\n\n5. **实验效果**：无。\n")
    rows = extract_metrics(parse_report(innov).papers[0])
    assert [(m.value, m.metric) for m in rows] == [(93.1, "agreement"), (0.86, "agreement")]


def test_a_benchmark_paper_is_known_by_the_systems_its_results_name() -> None:
    # The contribution does not say it evaluates N models; the results give two named models their figures.
    paper = make_paper(
        title="DeskBench: A Benchmark for Cross-Application Office Agents",
        contribution="构建了包含 412 个跨应用办公任务的基准 DeskBench，发现最强的模型 Claude Sonnet 4.5 成功率也仅为 38.2%。",
        results="*   **整体结果**：Claude Sonnet 4.5 成功率 38.2%，OpenAI CUA 为 31.7%。")
    rows = sorted((m.value, m.role, m.compared_to, m.section) for m in extract_metrics(paper))
    assert rows == [(31.7, "baseline", "OpenAI CUA", "results"), (38.2, "baseline", "Claude Sonnet 4.5", "contribution"),
                    (38.2, "baseline", "Claude Sonnet 4.5", "results")]


def test_a_benchmark_paper_known_by_its_title_reads_parenthesised_and_ranked_systems() -> None:
    paper = make_paper(
        title="CivBench: Do LLMs Really Reason in Chinese?",
        contribution="构建了包含 3,600 道题的中文推理基准 CivBench。",
        results="*   **总体排名**：Gemini 3 Pro 以 71.4 分位列第一，GPT-5（69.8 分）和 DeepSeek-V3.2（64.5 分）紧随其后；"
                "人类研究生平均为 78.9 分。")
    rows = sorted((m.value, m.role, m.compared_to) for m in extract_metrics(paper))
    assert rows == [(64.5, "baseline", "DeepSeek-V3.2"), (69.8, "baseline", "GPT-5"), (71.4, "baseline", "Gemini 3 Pro"),
                    (78.9, "baseline", "人类研究生")]


def test_a_method_paper_naming_a_model_keeps_its_own_results() -> None:
    # The same clause shape in a paper that evaluates nobody else is this paper's result on that model.
    [m] = metrics_of("*   **AIME 2025**：Qwen3-8B 为 74.6%。")
    assert m.role == "result"


@pytest.mark.parametrize("line, expected", [
    # A list written with its unit once, after an amount noun: both are changes in percentage points.
    ("*   退化分析：反光与倾斜造成的平均降幅分别为 21.4 和 17.8 个百分点。", [(21.4, "pp", "change"), (17.8, "pp", "change")]),
    # 额外 … 占用: a cost added, a change; the card's capacity is not a figure.
    ("*   显存开销：缓存带来的额外显存占用约 3.2 GB，对 80GB 显卡而言可以忽略。", [(3.2, "GB", "change")]),
    # A version number and a dimension count are not figures; 下调 is a change verb.
    ("*   成本：首 Token 延迟比 1.5 版本降低 45%，API 价格下调 60%。", [(45.0, "%", "change"), (60.0, "%", "change")]),
    ("*   拒绝行为由一个低维子空间（通常为 3-5 维）控制，越狱成功率降至 8.9%。", [(8.9, "%", "result")]),
])
def test_units_roles_and_non_figures_of_round_five(line: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(m.value, m.unit, m.role) for m in metrics_of(line)] == expected


@pytest.mark.parametrize("line, value, baseline, system", [
    ("*   SWE-bench Verified：解决率达 61.8%，较此前同规模最佳开源模型 SWE-smith-32B（40.2%）高出 21.6 个百分点。",
     61.8, 40.2, "此前同规模最佳开源模型 SWE-smith-32B"),
    ("*   RealEstate10K：PSNR 达到 27.85 dB，比 pixelSplat（25.74 dB）高 2.1 dB。", 27.85, 25.74, "pixelSplat"),
    ("*   环境构建成功率达到 73%，远高于单智能体脚本的 39%。", 73.0, 39.0, "单智能体脚本"),
])
def test_compared_figures_after_bi_and_jiao_pair_with_the_result(line: str, value: float, baseline: float, system: str) -> None:
    row = next(m for m in metrics_of(line) if m.value == value)
    assert (row.role, row.baseline, row.compared_to) == ("result", baseline, system)
    assert baseline not in [m.value for m in metrics_of(line)]


@pytest.mark.parametrize("line, benchmark", [
    ("*   **MMAR**：准确率为 58.9%，超越 Gemini 2.5 Flash 的 54.3%。", "MMAR"),
    ("*   **MPTS-52**：在更难的大晶胞数据集上，匹配率从 12.2% 提升至 23.5%。", "MPTS-52"),
])
def test_an_acronym_head_before_a_score_names_the_benchmark(line: str, benchmark: str) -> None:
    assert {m.benchmark for m in metrics_of(line)} == {benchmark}


@pytest.mark.parametrize("usage", [
    "*   **开源情况**：模型仅通过商业 API 提供服务，论文未公开模型权重与训练代码。",
    "*   **开源情况**：模型与数据均为公司内部资产，不对外开源。",
    "*   **开源情况**：目前仅通过商业平台提供在线生成服务，暂无开源计划。",
])
def test_withheld_weights_and_api_only_models_are_closed(usage: str) -> None:
    assert extract_facts(make_paper(usage=usage), []).code_status == "closed"


def test_a_compared_api_model_does_not_close_the_paper() -> None:
    usage = "*   **代码**：代码已开源：https://github.com/x/y 。对比的 GPT-4o 仅通过 API 提供。"
    assert extract_facts(make_paper(usage=usage), []).code_status == "released"


def test_a_figure_called_on_a_par_after_yu_de_is_the_compared_one() -> None:
    [m] = metrics_of("*   在 MATH-500 上为 96.2，与原模型的 96.4 基本持平。")
    assert (m.value, m.role, m.baseline, m.compared_to) == (96.2, "result", 96.4, "原模型")


def test_a_respective_list_of_unknown_benchmarks_pairs_in_order() -> None:
    rows = metrics_of("*   更多基准：在 ChartBench、EvoChart 和 MMC 上分别取得 62.4、58.1 和 71.0 分。")
    assert [(m.value, m.benchmark) for m in rows] == [(62.4, "ChartBench"), (58.1, "EvoChart"), (71.0, "MMC")]


def test_a_human_reference_after_whereas_is_its_own_baseline_row() -> None:
    rows = metrics_of("*   **ToolHorizon**：本方法的任务完成率为 61.5%，而人类专家的完成率为 89.2%。")
    assert [(m.value, m.role, m.baseline, m.compared_to) for m in rows] == [
        (61.5, "result", None, None), (89.2, "baseline", None, "人类专家")]


def test_a_compared_figure_in_parentheses_before_xiangbi_pairs() -> None:
    [m, gain] = metrics_of("*   LIBERO：平均成功率 97.1%，与 π0（94.2%）相比提升 2.9 个百分点。")
    assert (m.value, m.role, m.baseline, m.compared_to) == (97.1, "result", 94.2, "π0")
    assert (gain.value, gain.role) == (2.9, "change")


def test_a_rate_in_hz_is_a_frequency_and_a_requirement_is_not_a_figure() -> None:
    [rate] = metrics_of("*   **LIBERO**：平均成功率 97.1%；推理频率达到 62 Hz。")[1:]
    assert (rate.value, rate.unit, rate.metric, rate.better) == (62.0, "Hz", "frequency", "higher")
    assert [m.value for m in metrics_of("*   推理延迟：单帧推理耗时 86 ms，满足 10Hz 实时要求。")] == [86.0]


def test_an_amount_is_never_the_compared_system() -> None:
    rows = metrics_of("*   LIBERO：Spatial / Object 两个子集的成功率分别为 98.4% / 99.2%，平均 97.1%，与 π0（94.2%）相比提升 2.9 个百分点。")
    assert [(m.benchmark, m.value, m.compared_to) for m in rows] == [
        ("LIBERO (Spatial)", 98.4, None), ("LIBERO (Object)", 99.2, None), ("LIBERO", 97.1, "π0"), ("LIBERO", 2.9, None)]


@pytest.mark.parametrize("line, expected", [
    # 而 X（y）: the compared system's figure, paired; the next one in the list is a baseline too.
    ("*   WikiText-2：W2A16 量化困惑度为 5.81，而 QuIP#（6.92）和 AQLM（6.64）明显更高。",
     [(5.81, "result", 6.92, "QuIP#"), (6.64, "baseline", None, "AQLM")]),
    # 与 X（y）几乎无差异: on a par.
    ("*   主观评测：MOS 为 4.41，与真人录音（4.45）几乎无差异。", [(4.41, "result", 4.45, "真人录音")]),
])
def test_compared_figures_after_er_and_on_a_par(line: str, expected: list[tuple]) -> None:
    assert [(m.value, m.role, m.baseline, m.compared_to) for m in metrics_of(line)] == expected


def test_a_suite_named_inside_a_benchmark_is_its_subset() -> None:
    rows = metrics_of("*   仿真基准：在 LIBERO 的 Long 套件上成功率为 92.6%，四个套件平均成功率为 96.1%。")
    assert [(m.value, m.benchmark) for m in rows] == [(92.6, "LIBERO (Long)"), (96.1, "LIBERO")]


@pytest.mark.parametrize("line, values", [
    ("*   建议：当 GPU 计算利用率超过 70% 时应关闭投机解码，加速比可达 2.1×。", [2.1]),  # the condition, then the figure
    ("*   稳定性：78% 的生成结构能量位于凸包上方 0.1 eV/atom 以内。", [78.0]),  # a criterion, not a figure
    ("*   WBM：能量 MAE 为 18 meV/atom。", [18.0]),  # an error in meV/atom is one
    ("*   零样本抓取成功率从 π0 的 58% 提升至 81%。", [81.0]),  # π0 is a name
    ("*   流式模式：在 640ms 分块的流式模式下，CER 仅上升 0.4 个百分点。", [0.4]),
    ("*   效率：生成 1 分钟 720p 视频的时间从 42 分钟缩短至 9 分钟。", [9.0]),
])
def test_conditions_criteria_and_names_of_round_nine_are_not_figures(line: str, values: list[float]) -> None:
    assert [m.value for m in metrics_of(line)] == values


def test_an_arrow_between_two_figures_is_from_and_to() -> None:
    rows = {r.value: r for r in metrics_of("*   结构一致性：旋律相似度提升 0.12（0.61→0.73）。")}
    assert rows[0.73].baseline == 0.61 and 0.61 not in rows and rows[0.12].role == "change"


@pytest.mark.parametrize("line, expected", [
    # Quoted Chinese names before 类别 / 赛道 are subsets as written (LABELLING.md), paired in order with 分别.
    ("*   中文评测：在 CMMMU 的“科学”与“工程”两个学科类别上，分别提升 3.1 和 4.5 个百分点。", ["CMMMU (科学)", "CMMMU (工程)"]),
    # A subset name may end in a number: Level 1.
    ("*   GAIA：在 Level 1 子集上达到 71.8%。", ["GAIA (Level 1)"]),
    ("*   MathVerse：在 Vision-Only 版本上达到 52.3%。", ["MathVerse (Vision-Only)"]),
])
def test_quoted_chinese_and_numbered_subsets(line: str, expected: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(line)] == expected


def test_a_task_named_inside_a_benchmark_is_its_subset() -> None:
    rows = metrics_of("*   SimplerEnv：在 WidowX 任务上的成功率为 58.3%，Google Robot 的成功率为 77.6%。")
    assert [m.benchmark for m in rows] == ["SimplerEnv (WidowX)", "SimplerEnv"]  # a new subject ends its reach


def test_chain_of_thought_in_a_multimodal_title_is_not_a_text_llm() -> None:
    tags = [t.domain for t in tag_texts("Video Chain-of-Thought for Temporal Grounding", "多模态大模型 - 视频理解",
                                        "让多模态大模型在思维链中输出时间戳。")]
    assert "multimodal" in tags and "llm" not in tags


def test_a_hyphenated_continuation_names_another_benchmark() -> None:
    # "SpecBench-Prod" is not Spec-Bench: the registry name inside a longer name is not spotted.
    [m] = metrics_of("*   在 SpecBench-Prod 上的平均加速比为 1.2×。")
    assert m.benchmark == "SpecBench-Prod"


@pytest.mark.parametrize("line, baselines", [
    ("*   **OCRBench 评测**：得分 856。作为对比，Qwen2.5-VL-7B 为 864 分，GPT-4o 为 805 分。", [864.0, 805.0]),
    ("*   **结构一致性**：F1 达到 0.63。作为参考，人类作曲的参考曲目该指标为 0.71。", [0.71]),
    ("*   **离线上限**：离线模型 UnitY 的 ASR-BLEU 为 27.6，作为质量上限参考。", [27.6]),
])
def test_reference_lines_quote_baselines(line: str, baselines: list[float]) -> None:
    assert [m.value for m in metrics_of(line) if m.role == "baseline"] == baselines


def test_a_respective_list_answered_by_a_compared_list_pairs_in_order() -> None:
    rows = metrics_of("*   **LibriSpeech**：在 test-clean / test-other 上，WER 分别为 2.1% / 4.6%，优于同等延迟下的 Emformer（2.6% / 5.9%）。")
    assert [(m.value, m.baseline, m.role) for m in rows] == [(2.1, 2.6, "result"), (4.6, 5.9, "result")]
    assert {m.compared_to for m in rows} == {"同等延迟下的 Emformer"}


@pytest.mark.parametrize("line, values", [
    ("*   **语音自然度**：合成语音的 MOS 为 4.12（5 分制）。", [4.12]),  # the scale is no score
    ("*   **Split CIFAR-100（10 任务）**：平均准确率为 89.7%。", [89.7]),  # a task count
    ("*   **场景分类**：BigEarthNet-S2（10% 标注）上的 mAP 为 87.3。", [87.3]),  # a share of labels
    ("*   **输入**：部分细胞级任务使用 40× 倍率，准确率为 91.2%。", [91.2]),  # a magnification
    ("*   **台风路径**：72 小时台风路径误差为 142 km，比 IFS 低 18%。", [142.0, 18.0]),  # a horizon
    ("*   **Non-IID**：在 Dirichlet α=0.1 的划分下，准确率下降不到 0.8%。", [0.8]),  # a setting
    ("*   **PutnamBench**：解决了 27 道题（共 657 道）。", [27.0]),  # items solved are the result
])
def test_settings_are_not_figures_and_solved_counts_are(line: str, values: list[float]) -> None:
    assert [m.value for m in metrics_of(line)] == values


def test_orders_of_magnitude_are_a_change() -> None:
    [m] = metrics_of("*   **计算速度**：相比 DFT，单步计算速度快约 4 个数量级。")
    assert (m.value, m.unit, m.role, m.change_direction) == (4.0, "orders of magnitude", "change", "increase")


@pytest.mark.parametrize("title, contribution, present, absent", [
    ("LeanProver: RL for Formal Theorem Proving", "提出了形式化定理证明方法。", set(), {"theory"}),
    ("EarthMAE: Remote Sensing Foundation Model", "通过掩码重建预训练遥感图像编码器。", {"vision"}, {"3d"}),
    ("OmniSeg-CT: Universal Segmentation in 3D CT", "提出了医学影像分割模型。", {"medical"}, {"3d"}),
    ("AeroCast: Global Weather Forecasting", "提出了一个全球中期天气预报模型。", {"science"}, set()),
    ("GenRec: Generative Retrieval for Recommendation", "提出了生成式推荐方法。", {"retrieval"}, {"generation"}),
    ("FastASR: Low-Latency Streaming Speech Recognition", "降低首字延迟。", {"audio", "efficiency"}, set()),
    # A generative reward model judges; a radiology report is text: neither is content generation.
    ("ThinkJudge: Scaling Test-Time Compute for Generative Reward Models", "提出大语言模型的生成式奖励模型。", {"llm"}, {"generation"}),
    ("CXR-Reasoner: Grounded Radiology Report Generation", "提出放射学报告生成的多模态模型。", {"medical"}, {"generation"}),
    ("GenRec-X: Industrial Recommendation", "提出生成式 检索方法。", {"retrieval"}, {"generation"}),
])
def test_tags_of_fields_beyond_the_seed_reports(title: str, contribution: str, present: set[str], absent: set[str]) -> None:
    tags = {t.domain for t in tag_texts(title, "", contribution)}
    assert present <= tags and not absent & tags, tags


def test_a_parenthesis_answers_as_many_figures_before_it() -> None:
    rows = metrics_of("*   MP-20：匹配率达到 60.2%，RMSE 为 0.045，优于 CDVAE（45.1%，0.071）。")
    assert [(m.value, m.role, m.baseline, m.compared_to) for m in rows] == [
        (60.2, "result", 45.1, "CDVAE"), (0.045, "result", 0.071, "CDVAE")]
    on_par = metrics_of("*   在 MMLU 与 GSM8K 上分别取得 70.3 和 81.0，与 16-bit LoRA（70.5 和 81.2）基本持平。")
    assert [(m.value, m.baseline, m.compared_to) for m in on_par] == [(70.3, 70.5, "16-bit LoRA"), (81.0, 81.2, "16-bit LoRA")]


def test_thousands_of_items_are_counts_beside_a_change() -> None:
    assert values("*   训练样本从 4K 条增加到 32K 条时，准确率提升 3.1%。") == [3.1]
    assert values("*   4K 图像的视觉 Token 数减少 60%。") == [60.0]


def test_an_acronym_head_before_a_task_names_the_dataset() -> None:
    [m] = metrics_of("*   CSPB-7：在晶体生成任务上，匹配率为 41.2%。")
    assert m.benchmark == "CSPB-7"


def test_a_benchmark_paper_reads_subsets_of_its_own_benchmark_and_carries_the_model() -> None:
    paper = make_paper(
        title="MathArena-ZH: Benchmarking LLMs on Chinese Olympiad Mathematics",
        contribution="构建了中文奥数推理基准 MathArena-ZH，并对 12 个主流模型进行系统评测。",
        results="*   **分赛道**：Qwen3-Max 在“代数”赛道上为 61.0 分，在“几何”赛道上为 55.2 分。\n"
                "*   **难度**：在 Hard 子集上，所有模型的准确率均低于 12%。")
    rows = [(m.value, m.role, m.compared_to, m.benchmark) for m in extract_metrics(paper)]
    assert rows == [(61.0, "baseline", "Qwen3-Max", "MathArena-ZH (代数)"), (55.2, "baseline", "Qwen3-Max", "MathArena-ZH (几何)"),
                    (12.0, "baseline", "所有模型", "MathArena-ZH (Hard)")]


def test_a_compared_value_with_an_unusual_unit_is_paired() -> None:
    [m] = metrics_of("*   在 OC22 测试集上力误差为 25 meV/Å，低于 GemNet-OC（31 meV/Å）。")
    assert (m.value, m.role, m.baseline, m.compared_to) == (25.0, "result", 31.0, "GemNet-OC")


def test_a_moment_in_time_is_not_a_figure() -> None:
    rows = metrics_of("*   生成 60 秒视频时，一致性保持在 94.1%，而基线在 20 秒后即降至 88% 以下。")
    assert [(m.value, m.baseline) for m in rows] == [(94.1, 88.0)]
    assert values("*   视频长度超过 30 分钟时，准确率下降 12.5 个百分点。") == [12.5]


def test_an_earlier_system_is_a_baseline() -> None:
    rows = metrics_of("*   在 SWE-bench Verified 上解决率为 48.2%；早期的 SWE-Agent-7B 仅为 18.0%。")
    assert [(m.value, m.role) for m in rows] == [(48.2, "result"), (18.0, "baseline")]


def test_an_evaluated_system_with_a_note_or_inside_a_group_is_a_baseline() -> None:
    paper = make_paper(
        title="ShopArena: Benchmarking Web Agents on Live Stores",
        contribution="构建了真实电商网站智能体基准 ShopArena，并对 9 个主流智能体进行系统评测。",
        results="*   **总体**：闭源模型中 Gemini 3 Pro（44.0%）和 GPT-5（41.5%）领先。\n"
                "*   **计算机使用**：Claude Sonnet 4.5（Computer Use）为 36.2%。")
    rows = {m.value: (m.role, m.compared_to) for m in extract_metrics(paper)}
    assert rows == {44.0: ("baseline", "Gemini 3 Pro"), 41.5: ("baseline", "GPT-5"), 36.2: ("baseline", "Claude Sonnet 4.5")}


def test_a_benchmark_paper_keeps_an_evaluated_systems_levels_and_its_best_score_as_baselines() -> None:
    paper = make_paper(
        title="HourBench: Do Video LLMs Really Watch Long Videos?",
        contribution="构建了长视频理解基准 HourBench，并系统评测了 16 个主流视频大模型。",
        results="*   **时长影响**：视频从 10 分钟增至 60 分钟时，Qwen2.5-VL-72B 的准确率从 61.0% 降至 40.2%。\n"
                "*   **难度**：Hard 子集上的最好成绩为 33.5%；开源的 InternVL3-78B 仅为 21.7%。\n"
                "*   **分赛道**：在体育赛道上各模型的准确率为 30%–52%，而在纪录片赛道上普遍超过 60%。")
    rows = [(m.value, m.role, m.compared_to) for m in extract_metrics(paper)]
    assert rows == [(61.0, "baseline", "Qwen2.5-VL-72B"), (40.2, "baseline", "Qwen2.5-VL-72B"), (33.5, "baseline", "最好成绩"),
                    (21.7, "baseline", "InternVL3-78B"), (52.0, "baseline", "各模型"), (60.0, "baseline", "各模型")]


def test_a_change_goes_on_into_the_next_clause() -> None:
    rows = metrics_of("*   下游验证：在 MMLU 上比均匀配比高 2.1 分，在 GSM8K 上高 3.4 分。")
    assert [(m.value, m.role, m.change_direction) for m in rows] == [(2.1, "change", "increase"), (3.4, "change", "increase")]


def test_an_error_analysis_share_is_a_figure_and_a_data_mix_is_not() -> None:
    assert values("*   错误分析：在失败案例中，规划错误占 38%，工具参数错误占 21%。") == [38.0, 21.0]
    assert values("*   训练语料中代码数据占 25%。") == []


def test_a_cost_that_changed_after_whereas_is_a_change_of_its_own() -> None:
    rows = metrics_of("*   效率：解码吞吐提升 2.2 倍，而首 token 延迟仅增加 3%。")
    assert [(m.value, m.role, m.baseline, m.change_direction) for m in rows] == [(2.2, "change", None, "increase"),
                                                                              (3.0, "change", None, "increase")]
    [m] = metrics_of("*   训练耗时约 300 秒，而全量微调需 1800 秒。")  # a compared system's level after 而 is still paired
    assert (m.value, m.baseline, m.compared_to) == (300.0, 1800.0, "全量微调")


def test_the_budget_a_result_is_measured_at_is_not_a_figure() -> None:
    assert values("*   仅保留 20% 的 KV 缓存时，平均分从 50.1 降至 49.7。") == [49.7]


def test_turns_and_ratings_that_went_from_one_level_to_another_are_figures() -> None:
    [turns] = metrics_of("*   交互深度：RL 训练后平均工具调用轮数从 7 轮增加到 25 轮。")
    assert (turns.value, turns.baseline) == (25.0, 7.0)
    [rating] = metrics_of("*   模拟评级从 1420 提升至 1905。")
    assert (rating.value, rating.baseline) == (1905.0, 1420.0)
    assert values("*   随着智能体数量从 4 增加到 32，性能持续上升。") == []  # a setting swept, not a figure


def test_two_labellers_agreement_is_scored_like_the_extractor(tmp_path: Path) -> None:
    import shutil
    _load_eval_module()  # bench/eval_agreement.py imports it by name
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import eval_agreement
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path / "dev"
    shutil.copytree(ROOT / "tests" / "gold" / "dev", folder)
    shutil.copytree(ROOT / "tests" / "gold" / "dev", folder / "second")
    same = eval_agreement.agreement(folder)
    assert (same["precision"], same["recall"], same["tags_f1"], same["code_status"]) == (1.0, 1.0, 1.0, 1.0)
    lines = (folder / "second" / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    first_row = json.loads(lines[1])
    first_row["role"] = "change" if first_row["role"] != "change" else "result"
    (folder / "second" / "metrics.jsonl").write_text("\n".join([lines[0], json.dumps(first_row, ensure_ascii=False), *lines[2:]]),
                                                   encoding="utf-8")
    one_off = eval_agreement.agreement(folder)
    assert one_off["agreed"] == same["agreed"] - 1 and one_off["role_accuracy"] < 1.0


def test_a_benchmark_named_as_one_in_an_evaluating_title_is_the_papers_own() -> None:
    paper = make_paper(
        title="ShiftBench: Evaluating LLM Agents on Night-Shift Operations",
        contribution="提出 ShiftBench，包含 120 个运维任务；评测显示最强的 GPT-5 智能体完成率仅 33.0%。",
        results="*   **主要结果**：Claude Opus 4.5 完成率 36.2%，DeepSeek-V3.2 与 Qwen3-235B-A22B 分别为 24.5% 和 20.1%。\n"
                "*   **专用模型**：运维专用模型 OpsGPT-32B 为 18.4%。")
    rows = [(m.value, m.role, m.compared_to, m.benchmark) for m in extract_metrics(paper)]
    assert rows == [(36.2, "baseline", "Claude Opus 4.5", "ShiftBench"), (24.5, "baseline", "DeepSeek-V3.2", "ShiftBench"),
                    (20.1, "baseline", "Qwen3-235B-A22B", "ShiftBench"), (18.4, "baseline", "OpsGPT-32B", "ShiftBench"),
                    (33.0, "baseline", "GPT-5", "ShiftBench")]


def test_settings_won_splits_targets_and_sweeps() -> None:
    assert values("*   在全部 30 个设置中，本方法有 21 个设置取得最优。") == [21.0]
    assert [m.benchmark for m in metrics_of("*   Mind2Web：在 Cross-Task 和 Cross-Domain 两个划分上，Step SR 分别为 45.0% 和 40.2%。")] == [
        "Mind2Web (Cross-Task)", "Mind2Web (Cross-Domain)"]
    assert values("*   在目标带隙 2.5 eV 的条件生成中，命中率为 51.0%。") == [51.0]
    assert values("*   训练相同时长（24 小时）后，准确率达到 70.5%。") == [70.5]
    assert values("*   采样步数从 50 步压缩到 8 步，VBench 总分为 83.1%。") == [83.1]
    assert values("*   随帧数从 32 增至 128，准确率提升 3.5%。") == [3.5]


def test_a_benchmark_paper_read_as_a_table_of_bullets_and_its_own_measurements() -> None:
    paper = make_paper(
        title="DeskArena: Benchmarking Computer-Use Agents on Office Suites",
        contribution="构建了跨应用办公智能体基准 DeskArena，并对 9 个主流模型进行系统评测。",
        results="*   **整体成功率**：\n    *   Claude Opus 4.5：40.1%\n    *   GPT-5.2 (high)：35.0%\n"
                "*   **难度**：在跨应用（Cross-App）子集上，所有模型成功率均不到 12%。\n"
                "*   **精简版**：通过 IRT 筛题，DeskArena-Lite 将题量减少 55%。\n"
                "*   **相关性**：与 Chatbot Arena 排名的 Spearman 相关系数为 0.86。")
    rows = [(m.value, m.role, m.compared_to, m.benchmark) for m in extract_metrics(paper)]
    assert rows == [(40.1, "baseline", "Claude Opus 4.5", "DeskArena"), (35.0, "baseline", "GPT-5.2", "DeskArena"),
                    (12.0, "baseline", "所有模型", "DeskArena (Cross-App)"), (55.0, "result", None, "DeskArena"),
                    (0.86, "result", None, "DeskArena")]


def test_subsets_written_after_each_figure_of_a_list() -> None:
    rows = metrics_of("*   仿真：LIBERO 四个套件的成功率分别为 97.8%（Spatial）、98.0%（Object）、96.2%（Goal）和 90.4%（Long），平均 95.6%。")
    assert [m.benchmark for m in rows] == ["LIBERO (Spatial)", "LIBERO (Object)", "LIBERO (Goal)", "LIBERO (Long)", "LIBERO"]
    assert [m.benchmark for m in metrics_of("*   在 MMLU 上达到 70.2%（GPT-4o）。")] == ["MMLU"]  # a lone parenthesis is a note


def test_a_leaderboard_of_bare_scores_makes_a_benchmark_paper() -> None:
    paper = make_paper(
        title="FreshMath: Contamination-Free Math Evaluation with Monthly Refresh",
        contribution="提出一个每月刷新题目的无污染数学推理基准 FreshMath，提供可追踪的排行榜。",
        results="*   **主榜单**：\n    *   Gemini 3 Pro：70.4\n    *   GPT-5.2 (high)：68.9\n    *   Qwen3-235B-A22B：57.0")
    rows = [(m.value, m.role, m.compared_to) for m in extract_metrics(paper)]
    assert rows == [(70.4, "baseline", "Gemini 3 Pro"), (68.9, "baseline", "GPT-5.2"), (57.0, "baseline", "Qwen3-235B-A22B")]


@pytest.mark.parametrize("usage", [
    "*   **开源情况**：模型权重已上传至 Hugging Face（https://huggingface.co/acme/Acme-VL-8B）。",
    "*   **开源情况**：模型与训练数据发布于 Hugging Face：https://huggingface.co/acme",
])
def test_weights_put_on_a_hub_are_released(usage: str) -> None:
    assert extract_facts(make_paper(usage=usage), []).code_status == "released"


def test_round_sixteen_forms() -> None:
    paper = make_paper(
        title="LabBench-X: Benchmarking LLMs on Wet-Lab Protocols",
        contribution="构建了由 40 位领域专家撰写的实验方案推理基准 LabBench-X，评测 15 个前沿模型。",
        results="*   **总体排名**：Gemini 3 Pro（51.2%）、GPT-5.2（49.0%）领先，开源模型平均仅 30.5%。\n"
                "*   **Hard 子集**：最佳模型准确率跌至 20.4%。\n"
                "*   **人类参考**：资深工程师的参考准确率为 77.0%。\n"
                "*   **裁判偏差**：GPT-4o 作为裁判的位置偏差率为 11.0%。")
    rows = [(m.value, m.role, m.compared_to) for m in extract_metrics(paper)]
    assert rows == [(51.2, "baseline", "Gemini 3 Pro"), (49.0, "baseline", "GPT-5.2"), (30.5, "baseline", "开源模型平均"),
                    (20.4, "baseline", "最佳模型"), (77.0, "baseline", "资深工程师"), (11.0, "baseline", "GPT-4o")]
    assert [m.benchmark for m in metrics_of("*   仿真：LIBERO 四个子套件（Spatial / Object）分别为 98.1% 和 97.5%。")] == [
        "LIBERO (Spatial)", "LIBERO (Object)"]
    [fvd] = metrics_of("*   将 FVD 从 398 降低至 301。")
    assert (fvd.value, fvd.baseline) == (301.0, 398.0)
    assert values("*   延迟：在骁龙 8 Gen 3 手机上首字延迟约 150 ms。") == [150.0]


def test_an_own_dataset_put_on_a_hub_is_released() -> None:
    usage = "*   **开源情况**：配比后的 300B Token 数据集已发布于 Hugging Face（https://huggingface.co/datasets/acme/mix）。"
    assert extract_facts(make_paper(usage=usage), []).code_status == "released"


def test_pooled_scores_sum_the_sets_rows(capsys: pytest.CaptureFixture[str]) -> None:
    ev = _load_eval_module()
    assert ev.main(["--pool", "dev", "dev2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    counts = [ev.evaluate(ROOT / "tests" / "gold" / n, ROOT / "tests" / "gold" / n / "metrics.jsonl") for n in ("dev", "dev2")]
    correct, predicted = sum(c.n_correct for c in counts), sum(c.n_pred for c in counts)
    assert lines[-1].startswith("pooled over 2 sets: ") and f"precision={correct / predicted:.3f}" in lines[-1]


def test_round_seventeen_forms() -> None:
    paper = make_paper(
        title="ScanQA-Bench: How Far Are Multimodal LLMs from Radiology Questions?",
        contribution="构建了覆盖 X 光、CT、MRI、病理切片等 6 种影像模态、共 3,900 道由医生审核题目的临床影像问答基准 ScanQA-Bench，并对 16 个模型进行了系统评测。",
        results="*   **整体**：最强的 GPT-5 (high) 任务准确率仅为 40.2%。\n"
                "*   **开源**：开源模型中 Qwen3-235B-A22B 最高，为 35.5%。\n"
                "*   **医生**：三位住院医师的平均准确率为 80.1%。\n"
                "*   **标注**：两名放射科医师标注的一致性 Cohen's κ 为 0.81。")
    rows = [(m.value, m.role, m.compared_to, m.benchmark) for m in extract_metrics(paper)]
    assert rows == [(40.2, "baseline", "GPT-5", "ScanQA-Bench"), (35.5, "baseline", "Qwen3-235B-A22B", "ScanQA-Bench"),
                    (80.1, "baseline", "住院医师", "ScanQA-Bench"), (0.81, "result", None, "ScanQA-Bench")]
    pairs = metrics_of("*   τ-bench：在 Retail 与 Airline 两个领域上的 pass^1 分别从 55.1% 和 40.3% 提升至 63.0% 和 48.8%。")
    assert [(m.value, m.baseline, m.benchmark) for m in pairs] == [(63.0, 55.1, "τ-bench (Retail)"), (48.8, 40.3, "τ-bench (Airline)")]
    assert values("*   从 8k 扩展到 1M 时，所有模型的平均得分下降超过 30 分。") == [30.0]


@pytest.mark.parametrize("usage", [
    "*   **开源情况**：项目主页与代码：https://acme.github.io",
    "*   **开源情况**：模型权重已在 Hugging Face 上开放下载。",
    "*   **开源情况**：防御模型的权重与推理代码以 Apache-2.0 协议公开。",
    "*   **开源情况**：分析代码公开于 GitHub。",
])
def test_more_ways_of_saying_released(usage: str) -> None:
    assert extract_facts(make_paper(usage=usage), []).code_status == "released"


def test_round_eighteen_forms() -> None:
    paper = make_paper(
        title="RubricMed: Benchmarking LLMs on Rubric-Graded Clinical Answers",
        contribution="构建了按评分细则打分的临床问答基准 RubricMed，并对 10 个主流模型进行系统评测。",
        results="*   **整体**：GPT-5 得分最高（60.1），其次为 Gemini 3 Pro（57.3）；医疗专用开源模型 MedGemma-27B 仅得 43.0。\n"
                "*   **开源**：开源模型中 Qwen3-Next-80B 表现最好，为 52.4。\n"
                "*   **对照**：排名前 10% 的人类选手得分约为 71%。")
    rows = [(m.value, m.role, m.compared_to) for m in extract_metrics(paper)]
    assert rows == [(60.1, "baseline", "GPT-5"), (57.3, "baseline", "Gemini 3 Pro"), (43.0, "baseline", "MedGemma-27B"),
                    (52.4, "baseline", "Qwen3-Next-80B"), (71.0, "baseline", "人类选手")]


def test_round_nineteen_forms() -> None:
    paper = make_paper(
        title="ToolGym: Stress-Testing LLM Agents on Multi-Turn Tool Use",
        contribution="提出包含 500 个真实 API 的工具使用基准 ToolGym，并设计了自动评分指标。",
        results="*   **整体通过率**：o3 以 43.1% 居首，开源模型中 DeepSeek-V3.2 最佳（35.2%）。\n"
                "*   **修复**：Claude Opus 4.5 解决率最高，为 40.0%。")
    rows = [(m.value, m.role, m.compared_to) for m in extract_metrics(paper)]
    assert rows == [(43.1, "baseline", "o3"), (35.2, "baseline", "DeepSeek-V3.2"), (40.0, "baseline", "Claude Opus 4.5")]
    assert values("*   ImgEdit：整体评分达到 4.21（满分 5 分）。") == [4.21]



# ---------------------------------------------------------------- facts round 20 (tuned on dev13-dev16)

def test_a_benchmark_papers_unattributed_scores_are_the_evaluated_systems() -> None:
    # A benchmark paper's own figures are its measurements of itself (agreement, correlation, size); a score
    # no sentence gives to this paper's method belongs to the systems it evaluates.
    paper = make_paper(
        title="WebTrek: Benchmarking Long-Horizon Web Agents",
        contribution="构建了包含 900 个长程网页任务的基准 WebTrek，评测了 12 个前沿模型。",
        results="*   **子集分析**：所有模型的平均成功率在 Short 子集上为 52.3%。\n"
                "*   **评测可靠性**：自动评判器与人工标注的一致率达到 94.5%。\n"
                "*   **失败分析**：弹窗处理失败占 27%。")
    rows = {m.value: m.role for m in extract_metrics(paper)}
    assert rows == {52.3: "baseline", 94.5: "result", 27.0: "result"}


def test_a_study_of_existing_systems_gives_them_their_scores() -> None:
    paper = make_paper(
        title="Judging the Judges: A Study of LLM Evaluators",
        contribution="通过对 18 个 LLM 裁判在 52,000 条人工标注比较上的系统研究，分析了裁判与人类的一致性。",
        results="*   **一致率**：GPT-5 作为裁判与人类多数投票的一致率为 84.1%，Claude Opus 4.5 为 82.7%。\n"
                "*   **位置偏差**：交换回答顺序后，平均有 12.3% 的判断发生翻转。")
    rows = sorted((m.value, m.role, m.compared_to) for m in extract_metrics(paper))
    assert rows == [(12.3, "baseline", None), (82.7, "baseline", "Claude Opus 4.5"), (84.1, "baseline", "GPT-5")]


def test_a_method_papers_compared_system_named_in_its_own_sentence_is_a_baseline() -> None:
    paper = make_paper(
        title="BitSqueeze: 2-bit Quantization",
        contribution="提出 BitSqueeze，在 2-bit 下优于 QuIP# 与 GPTQ。",
        results="*   **困惑度**：在 2-bit 设置下，Llama-3-70B 的 WikiText-2 困惑度为 5.96。QuIP# 在同设置下为 6.48。")
    rows = {m.value: (m.role, m.compared_to) for m in extract_metrics(paper)}
    assert rows == {5.96: ("result", None), 6.48: ("baseline", "QuIP#")}


def test_a_method_proposed_in_a_benchmark_paper_keeps_its_results() -> None:
    paper = make_paper(
        title="VidHallu: Temporal Hallucination in Video LLMs",
        contribution="构建了时序幻觉基准 VidHallu，评估了 15 个视频大模型，并提出了一种无需训练的对比解码方法 TCD。",
        results="*   **模型评测**：GPT-4o 的幻觉率为 31.4%，Qwen2.5-VL-72B 为 38.9%。\n"
                "*   **TCD 效果**：在 LLaVA-Video-7B 上，幻觉率从 41.2% 降至 30.1%。")
    rows = {m.value: (m.role, m.baseline) for m in extract_metrics(paper)}
    assert rows == {31.4: ("baseline", None), 38.9: ("baseline", None), 30.1: ("result", 41.2)}


@pytest.mark.parametrize("usage,kept", [
    ("*   **硬件**：推理需 8 张 H100；生成一段 60 秒视频耗时约 12 分钟。", [12.0]),  # what running the method costs
    ("*   **硬件**：量化 Llama-3-70B 需单张 H100 约 5 小时。", []),  # a one-off quantization: 6 of 10 fresh labellers leave it out
    ("*   **硬件**：可在单张 RTX 4090 上部署，控制频率达到 50 Hz。", [50.0]),
    ("*   **输入**：最长 4 分钟的音频。", []),                              # an input length stays out
])
def test_usage_keeps_what_running_the_method_costs(usage: str, kept: list[float]) -> None:
    assert [m.value for m in extract_metrics(make_paper(usage=usage))] == kept


@pytest.mark.parametrize("text,kept", [
    ("平均 ROC-AUC 为 0.931，在 72 个数据集中的 51 个上优于 XGBoost。", [0.931, 51.0]),
    ("在 16 个长上下文任务中，有 13 个优于 SnapKV。", [13.0]),
    ("合作实验室尝试合成了 4 种候选材料，其中 3 种成功得到目标相。", [3.0]),
    ("在 16 个评测设置中有 13 个取得 7B 规模最优。", [13.0]),
    ("在仅保留 15% 视觉 Token 的情况下，得分为 63.5。", [63.5]),        # how much it keeps is its setting
    ("一致率为 92.5%（Cohen's κ = 0.84）。", [92.5, 0.84]),              # a statistic after = is measured
])
def test_parts_of_a_total_and_statistics_are_figures_keep_ratios_are_not(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


@pytest.mark.parametrize("text,expected", [
    # (role, value, change_direction)
    ("规模关系：ECE 与参数量的对数呈负相关（Pearson r = −0.71）。", ("result", -0.71, None)),
    ("推理开销：额外延迟不到 2 ms/token。", ("change", 2.0, "increase")),
    ("峰值显存从 62 GB 降低到 37 GB，降幅约 40%。", None),
    ("打分成本：计算影响分数的成本仅占总训练成本的 4%。", ("result", 4.0, None)),
])
def test_round_20_roles(text: str, expected: tuple | None) -> None:
    if expected is None:  # the from-to pair is one result row, the 降幅 a change of its own
        rows = {m.value: (m.role, m.change_direction) for m in metrics_of(f"*   {text}")}
        assert rows == {37.0: ("result", None), 40.0: ("change", "decrease")}
        return
    m = one(text)
    assert (m.role, m.value, m.change_direction) == expected


def test_what_else_changed_after_but_is_not_a_compared_system() -> None:
    rows = {m.value: (m.role, m.baseline) for m in metrics_of("*   **生成速度**：生成速度提升 9.5 倍，但 VBench 质量分仅下降 0.4 分。")}
    assert rows == {9.5: ("change", None), 0.4: ("change", None)}


@pytest.mark.parametrize("text,benchmark", [
    ("视频理解：在 Video-MME（无字幕）上为 68.3%。", "Video-MME (w/o subs)"),
    ("CharXiv：推理子集得分 52.7。", "CharXiv (reasoning)"),
    ("MS MARCO：在 MS MARCO Dev 上 MRR@10 为 43.1。", "MS MARCO (Dev)"),
    ("MathVista：在 testmini 上准确率为 78.3%。", "MathVista (testmini)"),
])
def test_splits_written_in_chinese_or_on_their_own_hang_on_their_family(text: str, benchmark: str) -> None:
    assert one(text).benchmark == benchmark


def test_translated_subsets_pair_with_a_respectively_list() -> None:
    rows = [(m.value, m.benchmark) for m in metrics_of("*   **Video-MME**：在无字幕与有字幕设置下分别达到 65.8% 和 71.2%。")]
    assert rows == [(65.8, "Video-MME (w/o subs)"), (71.2, "Video-MME (w/ subs)")]


# ---------------------------------------------------------------- facts round 21 (tuned on dev17, dev18)

@pytest.mark.parametrize("text,expected", [
    # [(value, role, baseline, compared_to)]
    ("ImgEdit：整体评分 4.21，在“推理型编辑”子类上领先第二名 0.58 分。",
     [(4.21, "result", None, None), (0.58, "change", None, None)]),
    ("RULER（128K）：平均 88.1，全注意力为 88.6。", [(88.1, "result", 88.6, "全注意力")]),
    ("ASR 分别降至 4.1%、9.5% 和 6.2%（原始模型为 52.0%、61.3% 和 48.6%）。",
     [(4.1, "result", 52.0, "原始模型"), (9.5, "result", 61.3, "原始模型"), (6.2, "result", 48.6, "原始模型")]),
    ("在 test-zh 上 CER 为 1.05，SIM 为 0.78，均优于 CosyVoice 3（CER 1.21、SIM 0.75）。",
     [(1.05, "result", 1.21, "CosyVoice 3"), (0.78, "result", 0.75, "CosyVoice 3")]),
    ("与 Chinchilla 对比：相比直接套用稠密模型的 Chinchilla 定律，预测误差从 9.4% 降至 1.8%。",
     [(1.8, "result", 9.4, "直接套用稠密模型的 Chinchilla 定律")]),
])
def test_round_21_pairs_and_changes(text: str, expected: list[tuple]) -> None:
    assert [(m.value, m.role, m.baseline, m.compared_to) for m in metrics_of(f"*   {text}")] == expected


@pytest.mark.parametrize("text,kept", [
    ("在仅保留 12.5% KV Cache 的情况下，准确率保持在 98%。", [98.0]),   # how much it keeps: a setting
    ("准确率（128k 上下文，12.5% KV 预算）为 91.2%。", [91.2]),          # the budget it runs under
    ("A/B 测试覆盖 5% 流量，GMV +2.7%。", [2.7]),                        # the share of traffic tested
    ("粒度为 8 的细粒度 MoE 可节省约 37% 的训练 FLOPs。", [37.0]),       # what a variant is set to
    ("在 30 个候选中，有 24 个被 XRD 确认与预测结构一致。", [24.0]),     # the part of a total confirmed
    ("在 40 个超参数设置中有 33 个未出现熵崩塌。", [33.0]),
])
def test_round_21_figures_and_settings(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


@pytest.mark.parametrize("text,benchmark", [
    ("LIBERO：四个套件 Spatial / Object / Goal / Long 的成功率分别为 98.6%、99.2%、96.8% 和 94.8%。",
     ["LIBERO (Spatial)", "LIBERO (Object)", "LIBERO (Goal)", "LIBERO (Long)"]),
    ("Llama-3.1-8B：RULER 89.6（Full-Attn 91.0）。", ["RULER"]),   # a compared figure in parentheses is no subset
    ("在 MMLU-STEM 上达到 38.9%。", ["MMLU (STEM)"]),
])
def test_round_21_benchmark_names(text: str, benchmark: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(f"*   {text}") if m.role == "result"] == benchmark


def test_a_benchmark_papers_own_measurements_stay_its_results() -> None:
    paper = make_paper(
        title="RadEval-CN: A Bilingual Benchmark for Chest CT Report Generation",
        contribution="构建了包含 3,200 例胸部 CT 的报告生成基准 RadEval-CN 及临床感知评价指标 RadScore，评测了 14 个模型。",
        results="*   **指标有效性**：RadScore 与专家评分的 Kendall τ 达到 0.78。\n"
                "*   **数据质量**：通过去除可被纯文本模型答对的题目，语言先验泄漏率从 19% 降至 3%。\n"
                "*   **总体排名**：Gemini 2.5 Pro 得分最高（71.2），GPT-5 为 69.8。")
    rows = {m.value: (m.role, m.benchmark, m.compared_to) for m in extract_metrics(paper)}
    assert rows == {0.78: ("result", "RadEval-CN", None), 3.0: ("result", "RadEval-CN", None),
                    71.2: ("baseline", "RadEval-CN", "Gemini 2.5 Pro"), 69.8: ("baseline", "RadEval-CN", "GPT-5")}


def test_a_human_recording_is_a_reference() -> None:
    rows = {m.value: m.role for m in metrics_of("*   **主观评测**：MOS 为 4.41，真人录音为 4.45。")}
    assert rows == {4.41: "result", 4.45: "baseline"}


# ---------------------------------------------------------------- facts round 22 (tuned on dev19, dev20)

@pytest.mark.parametrize("text,expected", [
    # [(value, role, baseline, compared_to, change_direction)]
    ("通用能力：MT-Bench 得分几乎不变（8.31 vs 原模型 8.35）。", [(8.31, "result", 8.35, "原模型", None)]),
    ("简单任务：平均 Token 消耗仅为基线的 45%。", [(45.0, "change", None, None, "decrease")]),
    ("在 1,000 个候选中，最终确认 37 个此前未知的稳定材料。", [(37.0, "result", None, None, None)]),
])
def test_round_22_roles(text: str, expected: list[tuple]) -> None:
    rows = [(m.value, m.role, m.baseline, m.compared_to, m.change_direction) for m in metrics_of(f"*   {text}")]
    assert rows == expected


@pytest.mark.parametrize("text,kept", [
    ("距凸包能量低于 0.1 eV/atom 的结构占比为 78%。", [78.0]),   # a criterion, not a result
    ("平均能量偏差低于 0.05 eV/atom。", [0.05]),                  # a bound on its own error is one
    ("在 0.6 kbps 的低码率下，WER 为 3.1%。", [3.1]),             # an operating point
    ("能够生成 60 秒以上、主体一致的长视频，FVD 为 312。", [312.0]),  # an output length
])
def test_round_22_criteria_and_operating_points(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


@pytest.mark.parametrize("text,benchmarks", [
    ("在 MMBench、MMStar 和 MathVista 的 testmini 划分上分别取得 82.1、63.4 和 71.0。",
     ["MMBench", "MMStar", "MathVista (testmini)"]),   # the split is named after the last one only
    ("GAIA：在 GAIA 的 Level 3 难度上，任务完成率提升 6.3 个百分点。", ["GAIA (Level 3)"]),
])
def test_round_22_subsets(text: str, benchmarks: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(f"*   {text}")] == benchmarks


@pytest.mark.parametrize("usage,status", [
    ("*   **开源情况**：数据集已在 Hugging Face 发布（https://huggingface.co/datasets/x/y）。", "released"),
    ("*   **开源情况**：筛选后的数据子集已发布在 Hugging Face。", "released"),
    ("*   **开源情况**：出于安全考虑，作者未公开攻击数据与引导向量。", "closed"),
    ("*   **数据**：训练数据使用第三方开源的 DAPO-Math-17k 数据集（已在 GitHub 公开）。", "not stated"),
])
def test_round_22_code_status(usage: str, status: str) -> None:
    assert extract_facts(make_paper(usage=usage)).code_status == status


@pytest.mark.parametrize("title,domain,contribution,present,absent", [
    ("SplatFast: Feed-Forward 3D Reconstruction", "计算机视觉 - 3D 重建与新视角合成", "提出了前馈式 3D 高斯重建方法。", "3d", "vision"),
    ("RadReport-R1: Chest X-Ray Report Generation", "医学影像分析、放射学报告生成", "提出了胸部 X 光报告生成的多模态模型。",
     "multimodal", "vision"),
    ("SafeSteer: Defending Multi-Turn Jailbreaks", "AI 安全 (AI Safety)、大模型越狱防御", "提出了一种激活引导防御方法。", "llm", "multimodal"),
    ("DexMem: Memory for Long-Horizon Manipulation", "机器人学习 / 具身智能", "提出了通过检索历史片段辅助决策的 VLA 记忆模块。",
     "robotics", "retrieval"),   # retrieval as a component, in one place only
    ("StreamMem: Streaming Video Understanding", "视频理解 - 流式长视频问答、多模态大模型的视觉 Token 记忆管理",
     "提出了一种流式视频记忆机制。", "multimodal", "retrieval"),
])
def test_round_22_tags(title: str, domain: str, contribution: str, present: str, absent: str) -> None:
    tags = {t.domain for t in tag_texts(title, domain, contribution)}
    assert present in tags and absent not in tags


# ---------------------------------------------------------------- facts round 23 (tuned on dev21-dev24)

def test_a_benchmark_named_in_its_title_is_no_method_of_the_paper() -> None:
    # The title's name is the benchmark: a sentence naming it still gives evaluated systems their scores.
    paper = make_paper(
        title="VisuLogic-Pro: A Benchmark for Visual Logical Reasoning",
        contribution="构建了视觉逻辑推理基准 VisuLogic-Pro，评测了 18 个多模态大模型。",
        results="*   **整体结果**：Gemini 3 Pro 以 58.7% 的准确率位列第一，GPT-5 和 Qwen3-VL-235B 分别为 55.1% 和 47.3%。\n"
                "*   **模型对比**：在 VisuLogic-Pro 上，GPT-5 的攻击成功率（ASR）最低，为 12.3%。")
    rows = {m.value: m.role for m in extract_metrics(paper)}
    assert rows == {58.7: "baseline", 55.1: "baseline", 47.3: "baseline", 12.3: "baseline"}


@pytest.mark.parametrize("text,expected", [
    ("稳定性：生成结构的稳定率达到 62.3%，约为 MatterGen（38.0%）的 1.6 倍。",
     [(62.3, "result", 38.0, "MatterGen"), (1.6, "change", None, None)]),
    ("RULER：在 128k 上下文下得分 81.5，全量 KV Cache 为 83.0。", [(81.5, "result", 83.0, "全量 KV Cache")]),
    ("在 120 个新颖候选结构中，有 47 个经 DFT 计算确认为稳定结构。", [(47.0, "result", None, None)]),
])
def test_round_23_pairs_and_counts(text: str, expected: list[tuple]) -> None:
    assert [(m.value, m.role, m.baseline, m.compared_to) for m in metrics_of(f"*   {text}")] == expected


@pytest.mark.parametrize("text,benchmarks", [
    ("在 Qwen3-8B-Base 上，AIME 2024 和 AIME 2025 的准确率分别从 26.7% 和 18.9% 提升至 36.5% 和 27.1%。",
     ["AIME 2024", "AIME 2025"]),
    ("τ²-bench：在 τ²-bench 的 Retail 和 Airline 领域分别取得 72.4% 和 58.0%。", ["τ²-bench (Retail)", "τ²-bench (Airline)"]),
    ("MagicBrush：在 MagicBrush 测试集上，CLIP-I 达到 0.921。", ["MagicBrush"]),  # a generic 测试集 is no split (LABELLING.md)
    ("WebArena-Pro：在最难的“跨站点”子集（Cross-site）上成功率为 19.6%。", ["WebArena-Pro (Cross-site)"]),
])
def test_round_23_benchmark_names(text: str, benchmarks: list[str]) -> None:
    assert [m.benchmark for m in metrics_of(f"*   {text}") if m.role == "result"] == benchmarks


def test_training_time_is_not_a_run_cost() -> None:
    usage = "*   **训练**：完整训练在 16 张 H100 上耗时约 20 小时。\n*   **硬件**：生成一段视频耗时约 12 分钟。"
    assert [m.value for m in extract_metrics(make_paper(usage=usage))] == [12.0]


@pytest.mark.parametrize("usage,status", [
    ("*   **开源情况**：论文提供了 Hugging Face 上的 LoRA 权重（https://huggingface.co/a/b）。", "released"),
    ("*   **开源情况**：全部 SAE 检查点已发布于 Hugging Face。", "released"),
    ("*   **开源情况**：模型在 Hugging Face 开源：https://huggingface.co/a/b", "released"),
    ("*   **开源情况**：合成环境与训练数据已开源于 https://huggingface.co/datasets/a/b", "released"),
    ("*   **开源情况**：作者表示模型权重将于 2026 年 12 月在 Hugging Face 发布。", "promised"),
    ("*   **数据说明**：物体网格来自 DexGraspNet 2.0，该数据集由其原作者在 GitHub 上公开。", "not stated"),
])
def test_round_23_code_status(usage: str, status: str) -> None:
    assert extract_facts(make_paper(usage=usage)).code_status == status


# ---------------------------------------------------------------- facts round 24 (tuned on dev25-dev28)

@pytest.mark.parametrize("text,expected", [
    # [(value, role, baseline, compared_to, change_direction)]
    ("长视频：动态程度仅下降 2.8%（Self-Forcing 下降 17.5%）。", [(2.8, "change", 17.5, "Self-Forcing", "decrease")]),
    ("通用代码能力保持：pass@1 为 58.3%，与基座模型基本持平（58.0%）。", [(58.3, "result", 58.0, "基座模型", None)]),
    ("综合能力：MMMU 得分 61.0，与 GPT-4o（69.1）仍有差距。", [(61.0, "result", 69.1, "GPT-4o", None)]),
    ("精度保持：在 RULER 128k 上的平均分为 85.2，全注意力（Full-Attn）为 85.9。",
     [(85.2, "result", 85.9, "全注意力（Full-Attn）", None)]),
    ("主观评测：CMOS 相对 F5-TTS 高 0.18。", [(0.18, "change", None, "F5-TTS", "increase")]),
    ("推理长度：在简单题上降幅最高达 61%。", [(61.0, "change", None, None, "decrease")]),
])
def test_round_24_pairs_and_changes(text: str, expected: list[tuple]) -> None:
    rows = [(m.value, m.role, m.baseline, m.compared_to, m.change_direction) for m in metrics_of(f"*   {text}")]
    assert rows == expected


@pytest.mark.parametrize("text,kept", [
    ("平均视频时长 4.2 分钟，准确率为 61.3%。", [61.3]),            # what the inputs are like
    ("当任务时长超过 8 小时，完成率下降 27 个百分点。", [27.0]),
    ("在“超长”子集（>90 分钟）上，准确率降至 51.3%。", [51.3]),
    ("人类参与者在相同时限（每任务 30 分钟）下的成功率为 89.5%。", [89.5]),
    ("在 320 ms 延迟约束下 WER 为 5.1%。", [5.1]),                # the budget it runs under
    ("服务 P99 延迟增加 9 毫秒，仍满足 50 毫秒的线上约束。", [9.0]),
    ("使 Llama-3-70B 可以在单张 24GB 消费级显卡上运行。", []),
    ("在 40 组超参数设置中，Replay-GRPO 有 31 组优于标准 GRPO。", [31.0]),
    ("在 16 个设置中，有 14 个取得最低困惑度。", [14.0]),
])
def test_round_24_figures_and_settings(text: str, kept: list[float]) -> None:
    assert values(f"*   {text}") == kept


def test_names_in_ascii_quotes_are_subsets_too() -> None:
    rows = [m.benchmark for m in metrics_of('*   ImgEdit：在"背景替换"和"风格迁移"类别上分别达到 4.56 和 4.48。')]
    assert rows == ["ImgEdit (背景替换)", "ImgEdit (风格迁移)"]
