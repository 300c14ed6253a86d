"""Sections → domain tags, links and paper facts (model sizes, hardware, code, datasets). Pure.

Metric extraction lives in `kb.metrics`; it is re-exported here so ingest has one import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.metrics import Metric, extract_metrics
from kb.parse import Paper

__all__ = [
    "DOMAIN_TAGS", "Link", "Metric", "PaperFacts", "extract_domains", "extract_facts", "extract_links",
    "extract_metrics",
]

DOMAIN_TAGS: tuple[str, ...] = (
    "llm", "multimodal", "vision", "video", "3d", "robotics", "agents", "rl", "code", "medical",
    "science", "audio", "efficiency", "evaluation", "theory", "generation", "retrieval", "ecommerce",
    "safety", "data",
)

# Keywords (lower-case regexes; Chinese and English) that map 应用领域 text to tags.
_DOMAIN_KEYWORDS: dict[str, tuple[str, ...]] = {
    "llm": ("大语言模型", "大模型", "语言模型", "llm", "nlp", "自然语言", "language model", "文本生成", "推理模型", "大型语言"),
    "multimodal": ("多模态", "multimodal", "multi-modal", "vlm", "视觉-语言", "视觉语言", "vision-language", "图文", "omni", "全模态"),
    "vision": ("计算机视觉", "视觉", "图像", "computer vision", "image", "vision", "cv-", "cv ", "医学影像", "视觉理解"),
    "video": ("视频", "video"),
    "3d": ("三维", "3d", "几何", "mesh", "网格", "点云", "场景重建"),
    "robotics": ("机器人", "具身", "robot", "embodied", "操控", "动作分块", "manipulation", "人形"),
    "agents": ("智能体", "agent", "代理", "agentic"),
    "rl": ("强化学习", "reinforcement", r"\brl\b", "rlhf", "rlvr", "marl", "grpo", "策略优化"),
    "code": ("代码", "软件工程", "编程", "code", "software engineering", "程序"),
    "medical": ("医疗", "医学", "临床", "medical", "clinical", "health", "放射", "病理"),
    # `(?<!强)`: 强化学习 (reinforcement learning) contains 化学 (chemistry).
    "science": ("科学", "物理", "(?<!强)化学", "生物", "science", "scientific", "材料", "天文", "蛋白质", "分子"),
    "audio": ("语音", "音频", "audio", "speech", "音乐", "声音"),
    "efficiency": ("量化", "压缩", "高效", "加速", "推理优化", "效率", "剪枝", "稀疏", "efficient", "compression",
                   "quantization", "系统优化", "显存", "kv cache", "kv-cache", "蒸馏"),
    "evaluation": ("评估", "评测", "基准", "benchmark", "evaluation", "测评"),
    "theory": ("理论", "可解释", "theory", "interpretab", "表示学习", "优化理论", "扩展定律", "scaling law"),
    "generation": ("生成", "generation", "generative", "aigc", "扩散模型", "diffusion"),
    "retrieval": ("检索", "rag", "retrieval", "搜索", "search", "信息检索", "推荐"),
    "ecommerce": ("电商", "电子商务", "e-commerce", "ecommerce", "零售", "商品"),
    "safety": ("安全", "safety", "alignment", "越狱", "jailbreak", "隐私", "说服", "偏见", "价值对齐"),
    "data": ("数据集", "数据筛选", "数据选择", "数据效率", "dataset", "data selection", "数据合成", "数据构建", "训练数据"),
}

_DOMAIN_RES = {tag: re.compile("|".join(words)) for tag, words in _DOMAIN_KEYWORDS.items()}
_URL_RE = re.compile(r"https?://[^\s<>\"'（）()\[\]，。、；]+")
_TRAILING = ".,;:!?。，；：！？)）]】>*_`'\""
_SIZE_RE = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s?([BMT])(?![A-Za-z])")
_SIZE_CONTEXT_RE = re.compile(r"参数|parameters?|params|模型|model|激活|MoE|-\d+(?:\.\d+)?[BMT]\b", re.I)
_HARDWARE: tuple[tuple[str, str], ...] = (
    (r"\bRTX\s?(\d{4})\b", "RTX {0}"), (r"\bH100\b", "H100"), (r"\bH200\b", "H200"), (r"\bH800\b", "H800"),
    (r"\bH20\b", "H20"), (r"\bA100\b", "A100"), (r"\bA800\b", "A800"), (r"\bA6000\b", "A6000"),
    (r"\bL40S?\b", "L40"), (r"\bV100\b", "V100"), (r"\bB200\b", "B200"), (r"\bGB200\b", "GB200"),
    (r"\bTPU\s?v?\d*\b", "TPU"), (r"昇腾|Ascend", "Ascend"), (r"摩尔线程|Moore Threads", "Moore Threads"),
    (r"Jetson", "Jetson"), (r"消费级\s*(?:GPU|显卡)|consumer[- ]grade GPU|consumer GPU", "consumer GPU"),
    (r"Apple\s?M\d|Mac(?:Book)?", "Apple silicon"),
)
_RELEASED_RE = re.compile(r"(?<!将)(?<!计划)(?:代码|模型|权重|数据集?|资源|框架|工具)[^。；\n]{0,12}(?:已|均已|已经|全部)?开源|已开源|已发布|开源了|公开了|released|open-sourced|publicly available", re.I)
_PROMISED_RE = re.compile(r"将(?:会)?(?:开源|发布|公开)|计划开源|即将开源|承诺开源|will (?:be )?(?:release|open-source|made publicly)", re.I)
_DATASET_RE = re.compile(r"在\s*\**([A-Z][A-Za-z0-9+\-_.]*(?:[ -][A-Z0-9][A-Za-z0-9+\-_.]*){0,2})\**\s*(?:基准|数据集|测试集|benchmark|上|中|等)")


@dataclass(frozen=True)
class Link:
    """A URL that belongs to a paper, with what kind of page it is."""

    kind: str
    url: str


@dataclass(frozen=True)
class PaperFacts:
    """Facts mentioned in a paper's text that are handy in SQL."""

    model_sizes: list[str]
    hardware: list[str]
    code_status: str
    code_url: str | None
    datasets: list[str]


def extract_domains(text: str) -> list[str]:
    """Controlled-vocabulary tags for an 应用领域 text, in `DOMAIN_TAGS` order.

    Example: extract_domains("计算机视觉 - 自回归长视频生成") == ["vision", "video", "generation"]
    """
    lowered = text.lower()
    return [tag for tag in DOMAIN_TAGS if _DOMAIN_RES[tag].search(lowered)]


def extract_links(paper: Paper) -> list[Link]:
    """The paper page, arXiv abs/pdf, and every URL found in the sections, each once."""
    pid = paper.paper_id
    links = [Link("paper", paper.url), Link("arxiv_abs", f"https://arxiv.org/abs/{pid}"),
             Link("arxiv_pdf", f"https://arxiv.org/pdf/{pid}")]
    seen = {link.url for link in links}
    for section in paper.sections:
        for m in _URL_RE.finditer(section.text):
            url = m.group().rstrip(_TRAILING)
            if url in seen or len(url) < 12:
                continue
            seen.add(url)
            links.append(Link(_link_kind(url), url))
    return links


def _link_kind(url: str) -> str:
    host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
    if host.endswith("github.com") or host.endswith("gitlab.com"):
        return "github" if "github" in host else "code"
    if host.endswith("huggingface.co"):
        return "huggingface"
    if host.endswith("arxiv.org"):
        return "arxiv"
    return "project" if host.endswith("github.io") or "project" in url.lower() else "other"


def extract_facts(paper: Paper) -> PaperFacts:
    """Model sizes, hardware, code availability and datasets named in the paper's sections."""
    text = "\n".join(s.text for s in paper.sections)
    plain = text.replace("**", "")
    sizes: list[str] = []
    for m in _SIZE_RE.finditer(plain):
        window = plain[max(0, m.start() - 20) : m.end() + 12]
        if _SIZE_CONTEXT_RE.search(window) or plain[max(0, m.start() - 1) : m.start()] == "-":
            size = f"{m.group(1)}{m.group(2)}"
            if size not in sizes:
                sizes.append(size)
    hardware: list[str] = []
    for pattern, name in _HARDWARE:
        for m in re.finditer(pattern, plain, re.I if name in {"consumer GPU", "Jetson"} else 0):
            label = name.format(*m.groups()) if m.groups() else name
            if label not in hardware:
                hardware.append(label)
    code_url = next((l.url for l in extract_links(paper) if l.kind in {"github", "code"}), None)
    if code_url or _RELEASED_RE.search(plain):
        status = "released"
    elif _PROMISED_RE.search(plain):
        status = "promised"
    else:
        status = "not stated"
    datasets: list[str] = []
    for m in _DATASET_RE.finditer(plain):
        name = m.group(1).strip(" -.")
        if len(name) > 1 and not re.fullmatch(r"[A-Z]?\d+(?:\.\d+)?[A-Z]?", name) and name not in datasets:
            datasets.append(name)
    for metric in extract_metrics(paper):
        if metric.benchmark and metric.benchmark not in datasets:
            datasets.append(metric.benchmark)
    return PaperFacts(sizes, hardware, status, code_url, datasets)
