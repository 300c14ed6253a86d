"""Sections → domain tags, links and paper facts (model sizes, hardware, code, datasets). Pure.

Metric extraction lives in `kb.metrics`; it is re-exported here so callers have one import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.benchmark_names import benchmark_names
from kb.domains import DOMAIN_TAGS, DomainTag, tag_paper
from kb.metrics import Metric, extract_metrics
from kb.parse import Paper
from kb.word_patterns import ascii_bounds, fold_case

__all__ = [
    "DOMAIN_TAGS", "DomainTag", "Link", "Metric", "PaperFacts", "extract_domains", "extract_facts", "extract_links",
    "extract_metrics", "tag_paper",
]


# Keywords (regexes over lower-cased 应用领域 text; `\b` is an ASCII word boundary) for each tag.
_DOMAIN_KEYWORDS: dict[str, tuple[str, ...]] = {
    "llm": ("大语言模型", "大模型", "语言模型", "大型语言", r"\bllms?\b", r"mllm", r"\bnlp\b", "自然语言",
            "language models?", "文本生成", "推理模型"),
    "multimodal": ("多模态", "跨模态", "全模态", "multi-?modal", r"\bvlms?\b", r"\bvlas?\b", r"\bmllms?\b", "视觉-?语言",
                   "vision-language", "图文", r"\bomni", "视听"),
    "vision": ("计算机视觉", "视觉", "图像", "影像", "computer vision", r"\bimages?\b", r"\bvision\b", r"\bcv\b"),
    "video": ("视频", r"\bvideos?\b"),
    "3d": ("三维", r"\b3d\b", "几何", r"\bmesh", "网格", "点云", "场景重建", "point cloud"),
    "robotics": ("机器人", "具身", r"\brobot", "embodied", "操控", "人形", "manipulation", "humanoid"),
    "agents": ("智能体", r"\bagent", "代理"),
    "rl": ("强化学习", "reinforcement", r"\brl\b", r"\brlhf\b", r"\brlvr\b", r"\bmarl\b", r"\bgrpo\b", r"\bppo\b", "策略优化"),
    "code": ("代码", "软件工程", "编程", r"\bcode\b", r"\bcoding\b", "software engineering", "程序"),
    "medical": ("医疗", "医学", "临床", "放射", "病理", r"\bmedical", r"\bclinical", r"\bhealth"),
    # 强化学习 contains 化学 (chemistry) and 计算社会科学 is not natural science.
    "science": ("(?<!社会)科学", "物理", "(?<!强)化学", "生物", "材料", "天文", "蛋白质", "分子",
                r"\bscientific\b", r"(?<!social )\bscience\b"),
    "audio": ("语音", "音频", "音乐", "声音", r"\baudio\b", r"\bspeech\b", r"\bmusic\b", r"\basr\b", r"\btts\b"),
    "efficiency": ("量化", "压缩", "高效", "加速", "推理优化", "效率", "剪枝", "稀疏注意力", "稀疏化", "显存",
                   "kv.?cache", "蒸馏", r"\befficien", "compression", "quantization", "pruning", "系统优化"),
    "evaluation": ("评估", "评测", "基准", "测评", r"\bbenchmark", r"\bevaluation\b"),
    "theory": ("理论", "可解释", r"\btheor", "interpretab", "扩展定律", "scaling law"),
    # 检索增强生成 (RAG) is retrieval, not generation.
    "generation": ("(?<!增强)生成", "(?<!augmented )generation", "generative", r"\baigc\b", "扩散模型", r"\bdiffusion\b",
                   "文生图", "text-to-"),
    "retrieval": ("检索", r"\brag\b", "retrieval", "搜索", r"\bsearch\b", "推荐", "信息获取", "information seeking"),
    "ecommerce": ("电商", "电子商务", "e-?commerce", "零售", "商品"),
    # Modality alignment (视觉-语言对齐, 表示对齐) is not value alignment.
    "safety": ("安全", r"(?<!语言)(?<!模态)(?<!图文)(?<!表示)(?<!language )对齐", r"(?<!language )(?<!modal )\balignment\b",
               r"\bsafety\b", "越狱", "jailbreak", "隐私", "偏见", "privacy", r"\bbias\b"),
    "data": ("数据集", "数据筛选", "数据选择", "数据效率", "数据合成", "数据构建", "数据工程", "训练数据",
             r"\bdatasets?\b", "data selection", "data curation", "data efficiency"),
}
_DOMAIN_RES = {tag: re.compile(ascii_bounds("|".join(words))) for tag, words in _DOMAIN_KEYWORDS.items()}

_URL_RE = re.compile(r"https?://[^\s<>\"'（）()\[\]{}，。、；：！？`]+")
_TRAILING = ".,;:!?。，；：！？)）]】>*_`'\""
_HTTP_RE = re.compile(r"^http://")
# "GitHub: owner/repo" written without the host.
_GITHUB_SLUG_RE = re.compile(r"GitHub\s*[:：]\s*([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*[A-Za-z0-9])", re.I)
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org", "anonymous.4open.science", "codeberg.org")

_PARAM_SIZE_RE = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s?([BMT])(?![A-Za-z0-9])")
_CN_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|千亿|亿)\s*(?:参数|个参数|parameters)")
_SIZE_CONTEXT_RE = re.compile(r"参数|parameters?|params|模型|models?|激活|MoE|Dense|版本|规模|尺寸|scale|size", re.I)
# (pattern, name, words): a pattern is tried only on a text whose `fold_case` has one of its words;
# most papers name little hardware, and scanning a paper for each pattern is slow.
_HARDWARE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"\b(?:RTX|GTX)\s?(\d{4})(?:\s?Ti)?\b", "RTX {0}", ("rtx", "gtx")),
    (r"\bGH200\b", "GH200", ("gh200",)), (r"\bGB200\b", "GB200", ("gb200",)),
    (r"(?<![A-Za-z0-9])H100\b", "H100", ("h100",)), (r"(?<![A-Za-z0-9])H200\b", "H200", ("h200",)),
    (r"(?<![A-Za-z0-9])H800\b", "H800", ("h800",)), (r"(?<![A-Za-z0-9])H20\b", "H20", ("h20",)),
    (r"(?<![A-Za-z0-9])A100\b", "A100", ("a100",)), (r"(?<![A-Za-z0-9])A800\b", "A800", ("a800",)),
    (r"\bA6000\b", "A6000", ("a6000",)), (r"\bL40S?\b", "L40", ("l40",)), (r"\bL20\b", "L20", ("l20",)),
    (r"\bV100\b", "V100", ("v100",)), (r"(?<![A-Za-z0-9])B200\b", "B200", ("b200",)), (r"\bTPU", "TPU", ("tpu",)),
    (r"昇腾|\bAscend\b", "Ascend", ("昇腾", "ascend")),
    (r"摩尔线程|\bMoore Threads\b", "Moore Threads", ("摩尔线程", "moore threads")),
    (r"寒武纪|\bCambricon\b", "Cambricon", ("寒武纪", "cambricon")), (r"\bJetson\b", "Jetson", ("jetson",)),
    (r"消费级\s*(?:GPU|显卡)|\bconsumer[- ](?:grade )?GPUs?\b", "consumer GPU", ("消费级", "consumer")),
    (r"\bApple\s?M\d\b|\bMacBook\b", "Apple silicon", ("apple", "macbook")),
)
_HARDWARE_RES = tuple((re.compile(ascii_bounds(p), re.I), name, words) for p, name, words in _HARDWARE)
_MARKUP_RE = re.compile(r"\*\*|`|\$")
_TOKENS_AFTER_RE = re.compile(r"\s?(?:tokens?|tok|词元|token)", re.I)
_CLAUSE_SPLIT_RE = re.compile(r"[。；;\n]")
_RELEASE_WORD_RE = re.compile(r"开源|公开|发布|上传|托管|开放|releas|available|open-source|https?://", re.I)
_TITLE_SPLIT_RE = re.compile(r"[:：]")
_OWN_BENCHMARK_RE = re.compile(r"bench|gym|qa|set|eval|data", re.I)
_CODE_WORDS = r"(?:代码|源码|源代码|模型|权重|检查点|仓库|框架|工具包?|资源|实现|脚本|沙盒|测试用例|code|weights|checkpoints?|models?|scripts?|repo(?:sitory)?)"
_OWN_ARTIFACT_RE = re.compile(_CODE_WORDS, re.I)
_LABEL_PREFIX_RE = re.compile(r"^[\s*\-]*[^：:，。]{1,12}[：:]")  # "代码/数据：" names the topic, not what was released
_CLOSED_RE = re.compile(
    r"闭源|商业模型|商用模型|proprietary|closed-source|closed source"
    # "模型权重未公开", "模型与代码均未开源", "不对外开源", "暂无开源计划": its own artifacts, withheld.
    r"|(?:模型|权重|代码|源码|model|weights|code)[^。；\n]{0,12}?(?:未|不|暂不|暂无|均未|均不)(?:对外)?(?:开源|公开|发布|开放|提供下载)"
    r"|暂无(?:开源|公开|发布)计划|作者(?:并)?未(?:公开|开源|发布)"
    # "仅通过商业 API 提供服务", "仅提供在线 Demo 与 API 访问": offered only as a service.
    r"|仅(?:通过|以|提供|开放)[^。；\n]{0,20}?(?:API|在线|平台|Demo|服务|接口)"
    r"|(?:公司)?内部(?:系统|资产|使用)|部署于(?:公司)?内部"
    r"|only (?:available )?(?:through|via) (?:an? )?(?:API|web|commercial)|not (?:publicly )?released", re.I)
# Closed models a paper compares with or describes ("闭源的 GPT/Gemini 系列") are not the paper's own.
_COMPARED_RE = re.compile(r"对比|相比|优于|超越|超过|媲美|相当|baseline|基线|than|vs|闭源的|闭源模型[（(]?(?:如|例如)", re.I)
_NEGATED_RE = re.compile(r"未|没有|无(?!需)|不|闭源|\bnot\b", re.I)
_PROMISED_RE = re.compile(
    r"(?:将|计划|即将|拟|承诺|预计)[^。；\n]{0,40}?(?:开源|公开|发布|released?)|接收后[^。；\n]{0,12}?(?:开源|公开|发布)"
    r"|will (?:be )?(?:release|open-source|made (?:publicly )?available|available)|to be released|coming soon",
    re.I,
)
_ON_A_HUB = r"(?:上传至|上传到|发布于|发布在|托管于|托管在|公开于|开源于)\s*(?:Hugging\s*Face|GitHub|HF|ModelScope|魔搭)"
# "配比后的 400B Token 数据集已发布于 Hugging Face（…）": the paper's own dataset, put on a hub (labellers count it).
_HUB = r"(?:Hugging\s*Face|GitHub|HF|ModelScope|魔搭)"
# "数据集已在 Hugging Face 发布（…）", "筛选后的数据子集已发布在 Hugging Face", "基准数据已在 Hugging Face 发布".
_OWN_DATASET_ON_HUB_RE = re.compile(
    rf"(?<!第三方)(?<!公开)(?:数据集|数据子集|基准数据|评测数据|训练数据|dataset)[^。；\n，,（()）]{{0,12}}?(?:{_ON_A_HUB}|\s*在\s*{_HUB}\s*上?\s*(?:发布|开源|公开)"
    r"|已?(?:开源|公开|发布)(?:于|在)\s*https?://)",
    re.I)
_THIRD_PARTY_RE = re.compile(r"第三方|third-party|原作者|原始作者|使用[^。；\n]{0,12}?(?:公开|开源)的", re.I)
_RELEASED_RE = re.compile(
    rf"{_CODE_WORDS}[^。；\n]{{0,48}}?(?:已|均已|已经|均|全部)\s*(?:在\s*[^。；\n]{{1,20}}?)?(?:开源|公开|发布|开放下载|released)"
    rf"|(?:已|均已)?在\s*GitHub\s*上?(?:开源|公开|发布)|(?:开源|公开|发布)了{_CODE_WORDS}"
    # "模型权重已上传至 Hugging Face", "模型与训练数据发布于 Hugging Face：https://…": put where anyone can fetch them.
    rf"|{_CODE_WORDS}[^。；\n]{{0,16}}?(?:已)?{_ON_A_HUB}|{_CODE_WORDS}\s*在\s*{_HUB}\s*上?\s*(?:开源|公开|发布)"
    # "论文提供了 Hugging Face 上的 LoRA 权重（https://…）": its own weights, where anyone can fetch them.
    rf"|提供了?\s*{_HUB}\s*上的[^。；\n]{{0,12}}?{_CODE_WORDS}"
    rf"|{_CODE_WORDS}[^。；\n]{{0,30}}?以[^。；\n]{{0,20}}?(?:协议|许可证?)\s*(?:开源|公开|发布)"  # 以 Apache-2.0 协议公开
    # "项目主页与代码：https://…": the code's address given under its label.
    rf"|(?:代码|源码|code)[^：:。；\n]{{0,6}}[：:]\s*https?://"
    rf"|{_CODE_WORDS} (?:is|are) (?:publicly )?(?:available|released)"
    r"|open-sourced|code is available",
    re.I,
)


@dataclass(frozen=True)
class Link:
    """A URL that belongs to a paper: "paper", "arxiv_abs", "arxiv_pdf", "github", "project" or "other"."""

    kind: str
    url: str


@dataclass(frozen=True)
class PaperFacts:
    """Facts stated in a paper's text that are handy in SQL filters."""

    model_sizes: list[str]
    hardware: list[str]
    code_status: str  # "released" | "promised" | "closed" | "not stated"
    code_url: str | None
    datasets: list[str]


def extract_domains(text: str) -> list[str]:
    """Controlled-vocabulary tags for an 应用领域 text alone, in `DOMAIN_TAGS` order, each once.

    Keyword matching over one line; a paper's stored tags come from `tag_paper`, which reads the
    title and contribution too and asks for evidence in context.
    """
    lowered = text.lower()
    return [tag for tag in DOMAIN_TAGS if _DOMAIN_RES[tag].search(lowered)]


def extract_links(paper: Paper) -> list[Link]:
    """The paper page, arXiv abs/pdf, then every URL found in the sections, each once."""
    pid = paper.paper_id
    links = [Link("paper", paper.url), Link("arxiv_abs", f"https://arxiv.org/abs/{pid}"),
             Link("arxiv_pdf", f"https://arxiv.org/pdf/{pid}")]
    seen = {link.url for link in links}
    for section in paper.sections:
        found = [m.group().rstrip(_TRAILING) for m in _URL_RE.finditer(section.text)]
        found += [f"https://github.com/{m.group(1)}" for m in _GITHUB_SLUG_RE.finditer(section.text)
                  if "://" not in section.text[m.start():m.end() + 8]]
        for url in found:
            url = _canonical_url(url)
            if url in seen or len(url) < 12:
                continue
            seen.add(url)
            links.append(Link(_link_kind(url), url))
    return links


def _canonical_url(url: str) -> str:
    # The paper's own arXiv pages are already listed under their canonical form.
    return _HTTP_RE.sub("https://", url).rstrip("/")


def _link_kind(url: str) -> str:
    host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
    if host in ("github.com", "www.github.com"):
        return "github"
    if host.endswith("github.io") or "project" in url.lower() or host.startswith("sites."):
        return "project"
    return "other"


def extract_facts(paper: Paper, metrics: list[Metric] | None = None) -> PaperFacts:
    """Model sizes, hardware, code availability and datasets named in the paper's sections.

    `metrics` is the paper's `extract_metrics(paper)` when the caller has it already: the
    datasets include their benchmarks, and extracting metrics is most of the work.
    """
    plain = _MARKUP_RE.sub("", "\n".join(s.text for s in paper.sections))
    code_url = next((link.url for link in extract_links(paper)
                     if any(link.url.split("/")[2].lower().endswith(h) for h in _CODE_HOSTS)), None)
    return PaperFacts(
        model_sizes=_model_sizes(plain),
        hardware=_hardware(plain),
        code_status=_code_status(plain, code_url),
        code_url=code_url,
        datasets=_datasets(paper, extract_metrics(paper) if metrics is None else metrics),
    )


def _hardware(text: str) -> list[str]:
    folded = fold_case(text)
    return _unique(name.format(*m.groups()) for rx, name, words in _HARDWARE_RES
                   if any(word in folded for word in words) for m in rx.finditer(text))


def _model_sizes(text: str) -> list[str]:
    sizes = []
    for m in _PARAM_SIZE_RE.finditer(text):
        window = text[max(0, m.start() - 16):m.end() + 20]
        # A size counts when it names parameters: Qwen2.5-7B, 744B参数, 80B MoE; 1.5TB or 8B tokens do not.
        if _TOKENS_AFTER_RE.match(text, m.end()):
            continue
        if text[max(0, m.start() - 1):m.start()] in ("-", "/") or _SIZE_CONTEXT_RE.search(window):
            sizes.append(_size_label(float(m.group(1)), m.group(2)))
    for m in _CN_SIZE_RE.finditer(text):
        billions = float(m.group(1)) * {"亿": 0.1, "千亿": 100, "万亿": 10_000}[m.group(2)]
        sizes.append(_size_label(billions / 1000, "T") if billions >= 1000 else _size_label(billions, "B"))
    return _unique(sizes)


def _size_label(value: float, unit: str) -> str:
    return f"{value:g}{unit}"


# "系统评测了闭源与开源视频大模型", "将主流闭源、开源及医疗专用大模型与医师对比": kinds of the models a paper
# evaluates, not the state of its own code.
_MODEL_KINDS_RE = re.compile(r"(?:闭源|开源|商业|商用)\s*(?:、|与|和|及|以及)\s*(?:闭源|开源|商业|商用)(?:[^，。；\n]{0,12}?模型)?")


def _code_status(text: str, code_url: str | None) -> str:
    promised = closed = False
    for clause in _CLAUSE_SPLIT_RE.split(_MODEL_KINDS_RE.sub("", text)):
        if _CLOSED_RE.search(clause) and not _COMPARED_RE.search(clause):
            closed = True  # "属于百度ERNIE系列（闭源商业模型）"; a closed model compared against does not count
        if not _RELEASE_WORD_RE.search(clause):
            continue
        if _PROMISED_RE.search(clause):
            promised = True
        elif _OWN_DATASET_ON_HUB_RE.search(clause) and not _THIRD_PARTY_RE.search(clause):
            return "released"  # not "使用第三方开源的 DAPO-Math-17k 数据集（已在 GitHub 公开）"
        elif not _OWN_ARTIFACT_RE.search(_LABEL_PREFIX_RE.sub("", clause)):
            continue  # "相关数据集（如 Panda）已在 GitHub 开源": someone else's data, not this paper's code
        elif (m := _RELEASED_RE.search(clause)) and not _NEGATED_RE.search(clause[max(0, m.start() - 3):m.end()]):
            # Negation counts only next to the claim: "代码已开源（链接未显示）" is still released.
            return "released"
    if code_url:
        return "released"
    if promised:
        return "promised"
    return "closed" if closed else "not stated"


def _datasets(paper: Paper, metrics: list[Metric]) -> list[str]:
    names: list[str] = []
    for key in ("results", "contribution"):
        section = paper.section(key)
        if section is not None:
            names += benchmark_names(section.text)
    names += [m.benchmark for m in metrics if m.benchmark]
    # The paper's own method (OmniSIFT, A-RAG) is not a dataset; its own benchmark (HY3D-Bench) is.
    own = _TITLE_SPLIT_RE.split(paper.title)[0].strip().lower()
    return _unique(n for n in names if n.lower() != own or _OWN_BENCHMARK_RE.search(n))


def _unique(items) -> list[str]:  # type: ignore[no-untyped-def]
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
