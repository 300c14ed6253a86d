"""Generate a synthetic corpus of daily reports, in the format of `data/*.md`, for scale benchmarks.

Deterministic: the same `--seed`, `--papers`, `--days` and `--start` give byte-identical files.
Texts are recombined from blocks and sentences mined from the seed reports (`data/*.md`), with
the seed paper's method name swapped for a freshly coined one, numbers perturbed, English terms
swapped within vocabularies, and templated metric sentences added, so no two papers share a text.
Heading styles vary per paper the way they do in the seeds (`### 1. 应用领域`,
`1. **应用领域**：text`, `1. **应用领域**` with text below, `## 5. 实验效果`, optional `# 论文研报：…`).

Run: python bench/gen_corpus.py --papers 1000 --days 30 --seed 0 --out bench/out/corpus-1k
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "data"

SECTION_ORDER = ("domain", "contribution", "usage", "innovations", "results")
LABELS = {"domain": "应用领域", "contribution": "一句话核心贡献", "usage": "使用指南",
          "innovations": "主要创新点", "results": "实验效果"}

# Vocabularies that widen what the seeds offer; a mined term is swapped for one of its kind.
MODELS = (
    "Qwen2.5-7B", "Qwen2.5-VL-7B", "Qwen3-8B", "Qwen3-14B", "Qwen2.5-32B", "Qwen2.5-72B", "Llama-3-8B",
    "Llama-3.1-70B", "Llama-3.2-3B", "Mistral-7B", "Mixtral-8x7B", "Gemma-2-9B", "Gemma-3-12B",
    "DeepSeek-V3", "DeepSeek-R1", "DeepSeek-R1-Distill-Qwen-7B", "InternVL2.5-8B", "InternVL3-38B",
    "LLaVA-1.5-7B", "LLaVA-OneVision-7B", "Phi-3-mini", "GLM-4-9B", "MiniCPM-V-2.6", "Yi-1.5-34B",
    "GPT-4o", "GPT-4o-mini", "GPT-5", "Claude 3.5 Sonnet", "Gemini 2.5 Pro", "o3-mini", "SDXL",
    "Stable Diffusion 3", "FLUX.1-dev", "Wan2.1-14B", "HunyuanVideo", "CogVideoX-5B", "SAM 2",
    "CLIP ViT-L/14", "DINOv2", "Whisper-large-v3", "OpenVLA-7B", "Pi0", "RT-2",
)
BENCHMARKS = (
    "MMLU", "MMLU-Pro", "GSM8K", "MATH-500", "AIME 2024", "AIME 2025", "GPQA-Diamond", "HumanEval",
    "MBPP", "LiveCodeBench", "SWE-bench Verified", "BigCodeBench", "MT-Bench", "AlpacaEval 2.0",
    "Arena-Hard", "IFEval", "BBH", "ARC-Challenge", "HellaSwag", "TruthfulQA", "LongBench",
    "RULER", "Needle-in-a-Haystack", "MMMU", "MathVista", "MMBench", "MME", "SEED-Bench", "ChartQA",
    "DocVQA", "TextVQA", "VideoMME", "MVBench", "EgoSchema", "VBench", "GenEval", "T2I-CompBench",
    "DPG-Bench", "COCO", "ImageNet-1K", "ADE20K", "nuScenes", "LIBERO", "CALVIN", "SimplerEnv",
    "WebArena", "OSWorld", "AndroidWorld", "GAIA", "BrowseComp", "HotpotQA", "Natural Questions",
    "MS MARCO", "BEIR", "LibriSpeech", "AudioCaps", "MedQA", "PubMedQA", "HealthBench", "ScienceQA",
)
HARDWARE = ("A100", "H100", "H800", "H200", "A800", "RTX 4090", "RTX 3090", "L40S", "V100", "B200",
            "TPU v5e", "Ascend 910B")
METRICS = ("准确率", "成功率", "F1 分数", "Pass@1", "胜率", "召回率", "mIoU", "FID", "CLIP Score",
           "BLEU", "ROUGE-L", "nDCG@10", "Recall@5", "EM", "平均得分", "FVD", "PSNR", "SSIM",
           "WER", "任务完成率", "Top-1 准确率", "AUC")
SPEED_PHRASES = ("推理速度提升 {x} 倍", "训练吞吐量提升 {x} 倍", "端到端延迟降低 {p}%", "显存占用降低 {p}%",
                 "KV 缓存占用减少 {p}%", "计算量（FLOPs）降低 {p}%", "首 token 延迟缩短 {p}%",
                 "训练成本降低 {p}%", "生成速度达到 {x} 倍加速")
NAME_PARTS = ("Omni", "Quant", "Flash", "Deep", "Hy", "Meta", "Uni", "Auto", "Vid", "Gen", "Mem", "Sparse",
              "Agent", "Robo", "Med", "Geo", "Lumi", "Nova", "Astra", "Echo", "Fusion", "Spark", "Pixel",
              "Chain", "Graph", "Loop", "Scale", "Tiny", "Hyper", "Neuro", "Vision", "Code", "Math",
              "Reason", "Skill", "World", "Motion", "Sonic", "Bio", "Chem", "Nexus", "Prism", "Atlas",
              "Zero", "Mix", "Self", "Turbo", "Lite", "Long", "Dyna", "Cog", "Sage", "Tri", "Poly", "Aero")
NAME_SUFFIXES = ("", "", "", "-Bench", "-R1", "-VL", "-3D", "-X", "Net", "Former", "GPT", "LM", "-Zero",
                 "Gym", "Eval", "-Agent", "VLA", "Gen", "-Pro", "Diff", "Flow", "Cache", "RL", "-Med")
TITLE_LINES = ("# 论文研报：{title}", "# 论文分析报告：{name}", "# {name} 研究报告", "# 论文阅读报告：{title}",
               "# {title}", "# 论文报告：{name}", "# {name} 论文研读报告")
STYLES = ("hash3", "hash3", "hash2", "hash4", "hash3bold", "bold_inline", "bold_inline", "bold_below",
          "bold_below", "bold_colon_below")
EXTRA_SECTIONS = ("局限性", "未来工作", "总结")

_NUM_RE = re.compile(r"(?<![A-Za-z0-9.\-_/])(\d+(?:\.\d+)?)(?=\s?(?:%|倍|×|个|万|亿|秒|分|小时|点|K\b|k\b|x\b))")
_LATIN_TERM_RE = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+\b|\b[A-Z]{2,}[a-z0-9]*\b")
_SENT_RE = re.compile(r"(?<=[。；！？])")
_BULLET_RE = re.compile(r"^(?:[*\-+]|\d{1,2}[.)、])\s+")
_DOMAIN_SPLIT_RE = re.compile(r"[、，,；;]|\s+及\s*|以及")


@dataclass
class SeedPaper:
    name: str  # the method's own name as the seed writes it, e.g. "HY3D-Bench"
    title: str
    sections: dict[str, list[str]]  # key → top-level blocks (dedented text)


@dataclass
class Pools:
    papers: list[SeedPaper]
    blocks: dict[str, list[tuple[int, str]]]  # key → (seed paper index, block)
    sentences: dict[str, list[str]]  # key → single sentences from paragraph blocks
    domain_phrases: list[str]
    title_heads: list[str]
    title_tails: list[str]
    terms: list[str]


def _split_outside_parens(text: str) -> list[str]:
    """Split a domain line at 、，；, but not inside brackets, so `视频生成 (Video, 3D)` stays whole."""
    pieces, depth, current = [], 0, []
    for ch in text:
        if ch in "(（[":
            depth += 1
        elif ch in ")）]":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;":
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces


def _balanced(text: str) -> bool:
    return text.count("(") + text.count("（") == text.count(")") + text.count("）")


def _method_name(title: str) -> str:
    head = title.split(":")[0].strip()
    if len(head) <= 32 and head != title:
        return head
    m = re.search(r"\(([A-Za-z][A-Za-z0-9\-]{1,20})\)", title)
    if m:
        return m.group(1)
    return ""


def mine_seeds(seed_dir: Path = SEED_DIR) -> Pools:
    """Parse the seed reports and cut them into reusable pieces."""
    sys.path.insert(0, str(ROOT))
    from kb.chunk import split_blocks  # the same block splitting the chunker uses
    from kb.parse import parse_report  # the same parser ingest uses: mined blocks are what it sees

    papers: list[SeedPaper] = []
    for f in sorted(seed_dir.glob("*.md")):
        for p in parse_report(f.read_text(encoding="utf-8")).papers:
            secs = {s.key: split_blocks(s.text) for s in p.sections if s.key in LABELS}
            if len(secs) == len(LABELS):
                papers.append(SeedPaper(_method_name(p.title), p.title, secs))
    if not papers:
        raise SystemExit(f"no seed papers with all five sections in {seed_dir}")
    blocks: dict[str, list[tuple[int, str]]] = {k: [] for k in LABELS}
    sentences: dict[str, list[str]] = {k: [] for k in LABELS}
    domain_phrases: set[str] = set()
    heads: set[str] = set()
    tails: set[str] = set()
    terms: set[str] = set()
    for i, p in enumerate(papers):
        for key, bl in p.sections.items():
            for b in bl:
                blocks[key].append((i, b))
                terms.update(t for t in _LATIN_TERM_RE.findall(b) if 2 <= len(t) <= 24)
                if "\n" not in b and not _BULLET_RE.match(b):
                    sentences[key].extend(s.strip() for s in _SENT_RE.split(b) if len(s.strip()) > 8)
        for b in p.sections["domain"]:
            flat = re.sub(r"[*#]", "", b).replace("\n", " ")
            for piece in _split_outside_parens(flat):
                piece = piece.strip(" 。.：:")
                if 2 <= len(piece) <= 48 and not piece.startswith("具体") and _balanced(piece):
                    domain_phrases.add(piece)
        sub = p.title.split(":", 1)[-1].strip()
        words = sub.split()
        for j, w in enumerate(words):
            if w.lower() in ("for", "via", "with", "in", "by", "from", "of") and 0 < j < len(words) - 1:
                heads.add(" ".join(words[:j]))
                tails.add(" ".join(words[j:]))
                break
        else:
            heads.add(sub)
    names = {p.name for p in papers if p.name}
    terms -= names
    return Pools(papers, blocks, sentences, sorted(domain_phrases), sorted(heads), sorted(tails), sorted(terms))


class Generator:
    """Makes one paper at a time from the mined pools; all randomness flows from one seeded RNG."""

    def __init__(self, pools: Pools, seed: int) -> None:
        self.pools = pools
        self.rng = random.Random(seed)
        # Only model- and benchmark-like terms (with a digit, `-` or `.`) are swapped; acronyms
        # such as GPU or LLM stay, or the text would stop making sense.
        self.term_swap = {t for t in pools.terms if re.search(r"[\d.\-]", t)}
        self.swap_vocab = list(MODELS + BENCHMARKS) + sorted(self.term_swap)

    # -- pieces ------------------------------------------------------------

    def name(self) -> str:
        r = self.rng
        parts = r.sample(NAME_PARTS, r.choice((1, 2, 2, 2, 3)))
        base = "".join(parts)
        if r.random() < 0.25:  # an acronym such as `QSV`
            base = "".join(p[0] for p in r.sample(NAME_PARTS, r.randint(2, 4))).upper()
        if r.random() < 0.2:
            base += str(r.choice((2, 3, 4, 5, 7, 8, 1.5, 2.5)))
        return base + r.choice(NAME_SUFFIXES)

    def title(self, name: str) -> str:
        r = self.rng
        head = r.choice(self.pools.title_heads)
        tail = r.choice(self.pools.title_tails) if r.random() < 0.8 else ""
        phrase = f"{head} {tail}".strip()
        return f"{name}: {phrase}" if r.random() < 0.85 else f"{phrase} ({name})"

    def number(self, value: str) -> str:
        r = self.rng
        try:
            v = float(value)
        except ValueError:
            return value
        new = v * r.uniform(0.6, 1.5)
        if v <= 100 < new:  # a share stays a share
            new = r.uniform(max(v, 50.0), 99.9)
        if "." in value:
            places = len(value.split(".")[1])
            return f"{new:.{places}f}"
        return str(max(1, int(round(new))))

    def mutate(self, text: str, seed_name: str, name: str) -> str:
        r = self.rng
        if seed_name:
            text = text.replace(seed_name, name)
        text = _NUM_RE.sub(lambda m: self.number(m.group(1)), text)

        def swap(m: re.Match[str]) -> str:
            t = m.group()
            if t in self.term_swap and r.random() < 0.3:
                return r.choice(self.swap_vocab)
            return t

        return _LATIN_TERM_RE.sub(swap, text)

    def metric_sentence(self, name: str) -> str:
        r = self.rng
        bench, metric, model = r.choice(BENCHMARKS), r.choice(METRICS), r.choice(MODELS)
        base = round(r.uniform(20, 90), 1)
        gain = round(r.uniform(0.3, 12), 1)
        forms = (
            f"在 {bench} 上，{metric}从 {base}% 提升至 {min(99.9, base + gain):.1f}%。",
            f"基于 {model}，{name} 在 {bench} 上取得 {base + gain:.1f}% 的{metric}，超越最强基线 {gain} 个百分点。",
            f"在 {bench} 基准上相比基线提升 **{gain}%**，{metric}达到 {min(99.9, base + gain):.1f}。",
            f"{r.choice(SPEED_PHRASES).format(x=round(r.uniform(1.2, 12), 1), p=r.randint(10, 85))}，"
            f"在 {r.choice(HARDWARE)} 上验证。",
            f"在 {bench} 上 {metric} 为 {base:.1f}，较 {model} 提高 {gain}。",
        )
        return r.choice(forms)

    def usage_extra(self) -> str:
        r = self.rng
        return r.choice((
            f"*   **硬件需求**：训练使用 {r.randint(1, 64)} 张 {r.choice(HARDWARE)} GPU，推理可在单张 {r.choice(HARDWARE)} 上运行。",
            f"*   **代码获取**：代码与模型权重已在 GitHub 开源（https://github.com/{r.choice(NAME_PARTS).lower()}-lab/{r.choice(NAME_PARTS).lower()}）。",
            f"*   **基座模型**：基于 {r.choice(MODELS)} 进行微调，约 {r.choice((1, 3, 7, 8, 13, 14, 32, 70))}B 参数。",
            "*   **开源情况**：论文表示代码和数据将在录用后开源。",
        ))

    def section(self, key: str, template: int, seed_name: str, name: str) -> str:
        r = self.rng
        pools = self.pools
        if key == "domain":
            phrases = r.sample(pools.domain_phrases, r.randint(2, 4))
            text = "、".join(phrases) + "。"
            if r.random() < 0.3:
                text = f"**{text.rstrip('。')}**"
            return text
        own = pools.papers[template].sections[key]
        if key == "contribution":
            if r.random() < 0.5 and pools.sentences[key]:
                text = "".join(r.sample(pools.sentences[key], 2)) if r.random() < 0.15 else r.choice(pools.sentences[key])
            else:
                text = own[0]
            return self.mutate(text, seed_name, name)
        # usage, innovations, results: a mix of the template paper's blocks and other papers' blocks
        count = max(2, min(6, len(own) + r.randint(-1, 1)))
        chosen: list[str] = []
        for _ in range(count):
            if r.random() < 0.5:
                chosen.append(r.choice(own))
            else:
                chosen.append(r.choice(pools.blocks[key])[1])
        chosen = list(dict.fromkeys(chosen))
        if key == "results":
            for _ in range(r.randint(1, 3)):
                chosen.insert(r.randint(0, len(chosen)), "*   " + self.metric_sentence(name))
        elif key == "usage" and r.random() < 0.7:
            chosen.append(self.usage_extra())
        n = 0
        for i, c in enumerate(chosen):  # numbered items count up, whichever seeds they came from
            if re.match(r"\d{1,2}[.)、]", c):
                n += 1
                chosen[i] = re.sub(r"^\d{1,2}", str(n), c)
        return "\n".join(self.mutate(c, seed_name, name) for c in chosen)

    # -- layout ------------------------------------------------------------

    def render(self, paper_id: str, title: str, name: str, sections: dict[str, str], style: str,
               read_source: str, extra: tuple[str, str] | None) -> str:
        r = self.rng
        out = [f"## 📄 {title}", "", f"- **链接**: https://huggingface.co/papers/{paper_id}",
               f"- **阅读来源**: {read_source}", ""]
        if r.random() < 0.6:
            out += [r.choice(TITLE_LINES).format(title=title, name=name), ""]
        items = [(i + 1, LABELS[k], sections[k]) for i, k in enumerate(SECTION_ORDER)]
        if extra:
            items.append((6, extra[0], extra[1]))
        for num, label, body in items:
            if style in ("hash2", "hash3", "hash4", "hash3bold"):
                hashes = {"hash2": "##", "hash3": "###", "hash4": "####", "hash3bold": "###"}[style]
                shown = f"**{label}**" if style == "hash3bold" else label
                out += [f"{hashes} {num}. {shown}", body, ""]
            elif style == "bold_inline":
                if "\n" in body or body.startswith(("*", "1.")):
                    out += [f"{num}. **{label}**：", body, ""]
                else:
                    out += [f"{num}. **{label}**：{body}", ""]
            elif style == "bold_below":
                out += [f"{num}. **{label}**", "\n".join("   " + line for line in body.split("\n")), ""]
            else:  # bold_colon_below
                out += [f"{num}. **{label}**：", body, ""]
        return "\n".join(out) + "\n"

    def paper(self, paper_id: str) -> tuple[str, str]:
        """(title, rendered block) for one new paper."""
        r = self.rng
        template = r.randrange(len(self.pools.papers))
        seed_name = self.pools.papers[template].name
        name = self.name()
        title = self.title(name)
        sections = {k: self.section(k, template, seed_name, name) for k in SECTION_ORDER}
        style = r.choice(STYLES)
        extra = None
        if style.startswith("hash") and r.random() < 0.05:
            extra = (r.choice(EXTRA_SECTIONS), r.choice(self.pools.sentences["results"] or ["暂无。"]))
        block = self.render(paper_id, title, name, sections, style, r.choice(("HTML", "HTML", "ArXiv Abs")), extra)
        return title, block


def report_header(day: Date) -> str:
    d = day.isoformat()
    return (f"# Hugging Face Daily Papers Report\n**Date**: {d}\n"
            f"**Source URL**: https://huggingface.co/papers/date/{d}\n\n")


SEPARATOR = "=" * 60 + "\n\n"


def generate(papers: int, days: int, seed: int, out: Path, start: Date, refeature: float = 0.01) -> dict:
    """Write `days` report files holding `papers` distinct papers (plus a few re-featured ones)."""
    if papers < 1 or days < 1:
        raise SystemExit("--papers and --days must be at least 1")
    pools = mine_seeds()
    gen = Generator(pools, seed)
    r = random.Random(seed ^ 0x5EED)
    # Papers per day: even split with +-40 % jitter, then fixed up to the exact total.
    weights = [r.uniform(0.6, 1.4) for _ in range(days)]
    total_w = sum(weights)
    per_day = [int(papers * w / total_w) for w in weights]
    for i in range(papers - sum(per_day)):
        per_day[i % days] += 1
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.md"):
        old.unlink()
    month_next: dict[str, int] = {}
    history: list[tuple[str, str]] = []  # (paper id, rendered block) for re-featuring
    files = 0
    written_bytes = 0
    featured_again = 0
    for d in range(days):
        day = start + timedelta(days=d)
        yymm = f"{day.year % 100:02d}{day.month:02d}"
        blocks: list[str] = []
        for _ in range(per_day[d]):
            nxt = month_next.get(yymm, r.randint(100, 2000))
            month_next[yymm] = nxt + r.randint(1, 6)
            pid = f"{yymm}.{nxt:05d}"
            _, block = gen.paper(pid)
            blocks.append(block)
            if len(history) < 5000 or r.random() < 0.05:
                history.append((pid, block))
                if len(history) > 5000:
                    history.pop(r.randrange(len(history)))
        if history and d > 0:
            for _ in range(sum(1 for _ in range(per_day[d]) if r.random() < refeature)):
                blocks.append(r.choice(history)[1])
                featured_again += 1
        if not blocks:
            continue
        text = report_header(day) + SEPARATOR + ("\n" + SEPARATOR).join(blocks)
        path = out / f"{day.isoformat()}.md"
        data = text.encode("utf-8")
        path.write_bytes(data)
        written_bytes += len(data)
        files += 1
    manifest = {"papers": papers, "days": days, "files": files, "seed": seed, "start": start.isoformat(),
                "featured_again": featured_again, "bytes": written_bytes, "seed_papers": len(pools.papers)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", default="2024-01-01", help="date of the first report (YYYY-MM-DD)")
    parser.add_argument("--refeature", type=float, default=0.01,
                        help="share of a day's papers that are earlier papers featured again")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "corpus"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.papers, args.days, args.seed, Path(args.out), Date.fromisoformat(args.start),
                        args.refeature)
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
