"""Facts of papers as table rows (metrics, paper_benchmarks, paper_domains), and re-extracting them in place.

Ingest calls `fact_columns` for the papers it writes; an upgrade from an older schema calls
`refresh_facts`, which re-derives every fact from the stored `sections` without re-embedding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from kb import store
from kb.benchmarks import canonical, find_benchmarks
from kb.domains import DomainTag, tag_paper
from kb.extract import PaperFacts, extract_facts, extract_links, extract_metrics
from kb.metrics import Metric
from kb.parse import Paper, Section

METRIC_COLUMNS = ("benchmark", "metric", "value", "unit", "direction", "baseline", "comparison", "evidence", "section",
                  "role", "compared_to", "change_direction", "better", "qualifier", "setting", "benchmark_raw")


@dataclass(frozen=True)
class PaperFactRows:
    """Everything extracted from one paper that goes into the database."""

    metrics: list[Metric]
    facts: PaperFacts
    domains: list[DomainTag]
    benchmarks: list[tuple[str, str]]  # (canonical, as written)


def paper_facts(paper: Paper) -> PaperFactRows:
    """Metrics, facts, domain tags and benchmarks of one paper."""
    metrics = extract_metrics(paper)
    facts = extract_facts(paper, metrics)
    return PaperFactRows(metrics, facts, tag_paper(paper), paper_benchmarks(paper, facts.datasets, metrics))


def paper_benchmarks(paper: Paper, datasets: Iterable[str], metrics: Iterable[Metric] = ()) -> list[tuple[str, str]]:
    """(canonical, as written) for every benchmark the paper names, with or without a figure, each once;
    the subsets its figures are on ("LIBERO (Long)") beside the family, so the `benchmarks` view counts them."""
    found: dict[str, str] = {m.benchmark: m.benchmark_raw or m.benchmark for m in metrics if m.benchmark}
    for section in paper.sections:
        if section.key == "domain":
            continue
        for _, _, name, raw in find_benchmarks(section.text):
            found.setdefault(name, raw)
    for raw in datasets:
        found.setdefault(canonical(raw), raw)
    return list(found.items())


def fact_columns(rows: dict[str, PaperFactRows]) -> dict[str, dict[str, list[Any]]]:
    """Column-wise rows of `metrics`, `paper_benchmarks` and `paper_domains` for `store.insert_columns`."""
    metrics: dict[str, list[Any]] = {k: [] for k in ("paper_id", *METRIC_COLUMNS)}
    benches: dict[str, list[Any]] = {k: [] for k in ("paper_id", "benchmark", "benchmark_raw")}
    domains: dict[str, list[Any]] = {k: [] for k in ("paper_id", "domain", "evidence")}
    for pid, r in rows.items():
        for m in r.metrics:
            metrics["paper_id"].append(pid)
            for k in METRIC_COLUMNS:
                metrics[k].append(getattr(m, k))
        for name, raw in r.benchmarks:
            for k, v in zip(benches, (pid, name, raw)):
                benches[k].append(v)
        for tag in r.domains:
            for k, v in zip(domains, (pid, tag.domain, tag.evidence)):
                domains[k].append(v)
    return {"metrics": metrics, "paper_benchmarks": benches, "paper_domains": domains}


def stored_papers(con: duckdb.DuckDBPyConnection) -> list[Paper]:
    """Papers rebuilt from the `papers` and `sections` tables."""
    sections: dict[str, list[Section]] = {}
    for pid, key, label, text in con.execute(
        "SELECT paper_id, section, label, text FROM sections ORDER BY paper_id, ordinal"
    ).fetchall():
        sections.setdefault(pid, []).append(Section(key, label, text, 0))
    return [Paper(pid, title, url, source, tuple(sections.get(pid, ())), 0)
            for pid, title, url, source in con.execute(
                "SELECT paper_id, title, url, read_source FROM papers ORDER BY paper_id").fetchall()]


# Bumped whenever extraction rules change what is stored (figures, roles, tags, code status), so an
# existing knowledge base is re-extracted from its sections on the next ingest or `kb doctor --repair`.
# 1: everything before the version was recorded; 2: numbers, 分别 lists and tag rules of issue 13's second round;
# 3: bullet-head benchmarks, family subsets, reference lines as baselines, paired 分别 lists, settings and solved
# counts, registry additions and tag rules for fields beyond the seed reports (tuned on dev2);
# 4: bullet heads naming unknown …Bench benchmarks, CDM/TEDS/SPL as metrics, year.month ranges, ± spreads,
# cores and views as non-figures, another model's figure in its own clause, 接近/相差/bare-name pairs, gaps
# never paired, change lists past a 基线, 少/额外占用 changes (dev3).
# 5: named subsets as "Family (Subset)", hyphenated longer names, measured levels in 主要创新点, evaluated
# systems and humans as baselines, list units, withheld code as closed (dev3, dev4).
# 6: a benchmark paper's costs on its benchmark, hyphenated suites (LIBERO-Spatial), level / Chinese-list / language-version
# subsets, a parenthesis answering several figures, K-counts, evaluated systems carried to the next clause (dev3–dev6).
# 7: a benchmark paper's unattributed scores as its evaluated systems', studies of existing systems, a method paper's
# compared systems in their own sentences, run costs in 使用指南, parts of a total, statistics after =, keep ratios
# as settings, data shares as results, Chinese-named and bare splits (dev13–dev16).
# 8: leads over a runner-up as changes, starting points in a clause of their own (全注意力为 88.6), named compared
# parentheses (原始模型为 a、b、c), a benchmark's own metric and correlations on it, keep ratios of KV caches and
# budgets as settings, keyword-then-names suites, MMLU-STEM (dev17, dev18).
# 9: "a vs 原模型 b" pairs, ratios to a baseline (仅为基线的 45%) as cuts, energy criteria and bitrates as settings,
# a split named after the last of several benchmarks; own datasets on a hub released, 作者未公开 closed; tags: 3D
# papers not vision, medical imaging read by a multimodal model, LLMs and MLLMs named anywhere in the 应用领域 line,
# retrieval as a component weak evidence (dev19, dev20).
# 10: a benchmark named in the title is no method of the paper; more benchmark titles; "X 的…率（ASR）最低，为 N";
# "约为 Y（b）的 N 倍" pairs; two from-to lists answer one 分别 list of benchmarks; τ²-bench apart from τ-bench; 测试集
# and a parenthesised name after 子集 as splits; training time is no run cost; hub releases phrased without 已 (dev21–dev24).
# 11: a rival's change in parentheses, "与 X 基本持平（N）" and "与 X（N）仍有差距" pair; a starting point with an alias;
# "相对 X 高 N" a change; durations describing inputs, conditions and limits, latency budgets, consumer GPUs and
# quantization time are not figures; parts of a total after a named subject; RTF a run speed; names in ASCII quotes
# as subsets (dev25–dev28).
# 12: a generic 测试集 is no split, as LABELLING.md now settles it.
EXTRACTOR_VERSION = 12


def facts_stale(meta: dict[str, str]) -> bool:
    """Whether the stored facts were extracted by older rules than this kb's."""
    return bool(meta) and int(meta.get("extractor_version", "1") or 1) < EXTRACTOR_VERSION


def refresh_facts(con: duckdb.DuckDBPyConnection) -> int:
    """Re-extract every paper's facts from its stored sections (in the caller's transaction); returns papers done."""
    papers = stored_papers(con)
    rows = {p.paper_id: paper_facts(p) for p in papers}
    for table in ("metrics", "paper_benchmarks", "paper_domains", "links"):
        con.execute(f"DELETE FROM {table}")
    for table, columns in fact_columns(rows).items():
        store.insert_columns(con, table, columns)
    links: dict[str, list[Any]] = {"paper_id": [], "kind": [], "url": []}
    for p in papers:
        for link in extract_links(p):
            for k, v in zip(links, (p.paper_id, link.kind, link.url)):
                links[k].append(v)
    store.insert_columns(con, "links", links)
    update = {
        "paper_id": list(rows), "domains": [[t.domain for t in r.domains] for r in rows.values()],
        "model_sizes": [r.facts.model_sizes for r in rows.values()], "hardware": [r.facts.hardware for r in rows.values()],
        "code_status": [r.facts.code_status for r in rows.values()], "code_url": [r.facts.code_url for r in rows.values()],
        "datasets": [r.facts.datasets for r in rows.values()],
    }
    if rows:
        con.execute("CREATE TEMP TABLE refreshed AS SELECT unnest($1) AS paper_id, unnest($2) AS domains, "
                    "unnest($3) AS model_sizes, unnest($4) AS hardware, unnest($5) AS code_status, "
                    "unnest($6) AS code_url, unnest($7) AS datasets", list(update.values()))
        con.execute("UPDATE papers SET domains = r.domains, model_sizes = r.model_sizes, hardware = r.hardware, "
                    "code_status = r.code_status, code_url = r.code_url, datasets = r.datasets "
                    "FROM refreshed r WHERE papers.paper_id = r.paper_id")
        con.execute("DROP TABLE refreshed")
    store.set_meta(con, {"extractor_version": str(EXTRACTOR_VERSION)})
    return len(papers)
