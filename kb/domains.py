"""Domain tags from the whole paper (title, 应用领域, contribution), each with the words that earned it. Pure.

A tag needs evidence where it counts: the title or the contribution, or the head of the 应用领域
line (its first item), or two places at once. A word mentioned in passing in a long 应用领域 list
("…机器人仿真与操作") is not enough, and context words decide between readings: 推理优化 of
reasoning is not inference efficiency, 对齐 of modalities is not safety, an MLLM is multimodal
before it is a text LLM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.parse import Paper
from kb.word_patterns import ascii_bounds

DOMAIN_TAGS: tuple[str, ...] = (
    "llm", "multimodal", "vision", "video", "3d", "robotics", "agents", "rl", "code", "medical",
    "science", "audio", "efficiency", "evaluation", "theory", "generation", "retrieval", "ecommerce",
    "safety", "data",
)

# Words (regexes over lower-cased text; `\b` is an ASCII word boundary) that are evidence for a tag.
_EVIDENCE: dict[str, str] = {
    # Vision-language and multimodal LLMs are `multimodal`, not text LLMs: "Vision-Language Models" is no evidence.
    "llm": r"(?<!多模态)(?<!多模态 )(?<!视觉)(?<!视觉-)(?<!视觉 )(?<!多模态大)(?:大)?语言模型|(?<!modal )(?<!omni-)(?<!多模态)(?<!video )(?<!audio )(?<!speech )\bllms?\b(?! agents?)"
           r"|(?<!vision-)(?<!vision )(?<!visual )(?<!visual-)(?<!modal )(?<!modal large )language models?|思维链|chain-of-thought|\bdllms?\b",
    # 多模态特性/分布 of an action distribution is a statistical property, not several modalities.
    "multimodal": r"多模态(?!特性|分布|性(?!能))|跨模态|全模态|multi-?modal|\bvlms?\b|\bvlas?\b|\bmllms?\b|视觉-?语言|vision-?language|图文|\bomni(?:-?modal)?\b"
                  r"|(?:影像|放射学?|x\s*光|ct)\s*报告生成|radiology report generation"
                  r"|视听|audio-?video|unified (?:multimodal )?models?",
    "vision": r"(?<!视频)图像|影像|image(?!-to-3d)|(?<!-)\bvisual recognition|计算机视觉(?=[^-–—]*(?:图像|分割|检测|分类))|文生图|text-to-image",
    "video": r"视频|\bvideos?\b|世界模型|world models?",
    # A reconstruction needs a 3D object (a masked-image reconstruction is not 3D); a 3D CT volume is medical imaging.
    "3d": r"三维(?!\s*(?:ct|mri|医学))|\b3d\b(?!\s*(?:ct|mri|medical))|3dgs|高斯泼溅|gaussian splatting|场景几何|几何感知|geometry-aware|相机|\bmesh|点云|point cloud|蒙皮|骨架|rigging"
          r"|(?:三维|3d|场景|表面|几何|网格|人体|scene|surface|mesh)\s*(?:重建|reconstruction)",
    "robotics": r"机器人|具身|\brobot|embodied|人形|humanoid|机械臂|manipulation|\bvla\b|动作(?:分块|序列|轨迹)|action chunk|policies|策略生成的动作",
    # An embodied or navigation agent is robotics; a 代理模型 is a proxy model.
    "agents": r"(?<!导航)(?<!具身)智能体|(?<!embodied )(?<!navigation )\bagents?\b|\bagentic\b|代理(?!模型|任务|指标|变量|损失)",
    "rl": r"强化学习|reinforcement|\brl\b|\brlhf\b|\brlvr\b|\bmarl\b|\bgrpo\b|\bppo\b|\bdpo\b|偏好优化|preference optimization"
          r"|策略优化|policy optimization",
    "code": r"代码(?:生成|大模型|补全|修复|文档|模型)|软件工程|编程|\bcoding\b|code generation|code llms?|software engineering|\bcoder\b|\bswe\b",
    "medical": r"医疗|医学|临床|放射|病理|医生|\bmedical|\bclinical|health|radiolog",
    "science": r"(?<!社会)(?<!计算社会)科学(?:文献|发现|研究|计算)|for science|ai4science|物理学|physics|(?<!强)化学|生物|材料科学|天文|蛋白质|分子|protein|scientific"
               r"|气象|天气预报|weather forecast|气候|climate",
    "audio": r"语音|音频|音乐|声音|\baudio\b|\bspeech\b|\bmusic\b|(?<!成功率（)(?<!成功率\()(?<!success rate \()\basr\b|\btts\b",
    # 量化了/量化分析 is "quantified", not quantization; a benchmark compressed (测试集压缩) is not model efficiency.
    "efficiency": r"量化(?!了|分析|评估|研究|衡量|地)|quantiz|剪枝|pruning|稀疏注意力|sparse attention|kv.?cache|kv 缓存"
                  r"|推理加速|加速|speed-?up|linear-?time|线性(?:时间|复杂度)|高效训练|(?:采样|推理|训练数据|数据)效率|data efficiency"
                  r"|思考预算|推理预算|token 预算|thinking budget|budget-aware|过度思考|overthinking|(?:推理|思考|输出)长度",
    # A score "在…基准上" is measured on a benchmark; a paper about evaluation builds or studies one.
    "evaluation": r"评估|评测|基准(?![^，。；]{0,12}?上)|benchmark|测评|evaluat|诊断|diagnos|量化了|性能预测",
    # A theorem (formal theorem proving) is mathematics, not theoretical analysis.
    "theory": r"理论|可解释|\btheor(?!em)|interpretab|扩展定律|scaling laws?|假说|hypothesis",
    # Generative retrieval/recommendation generates item ids, not content.
    # A generative reward model or verifier judges text; report generation writes text: neither makes content.
    "generation": r"(?:图像|图片|视频|3d|三维|内容|音频|音乐|语音|文本|资产|结构|场景|蛋白质|骨架|序列)\s*生成|生成式(?!\s*(?:检索|推荐|召回|奖励|验证|评判|评测))|生成模型|生成任务"
                  r"|语音合成|speech synthesis|(?:图像|视频)编辑|image editing|(?<!augmented )(?<!code )(?<!report )generation"
                  r"|generative(?! retrieval| recommend| reward| verif| judge)|\baigc\b|扩散(?![^，。]{0,6}策略)|\bdiffusion\b(?! polic)|文生图|text-to-",
    # Retrieval as a component (记忆检索, long-context retrieval) is weak evidence; RAG, ranking, recommendation are not.
    "retrieval": r"检索增强|信息检索|稠密检索|\brag\b|(?:information|dense|document|passage|cross-modal|generative) retrieval|retriever"
                 r"|重排序?|rerank|搜索引擎|search engine|推荐|recommend|信息获取|information seeking|召回",
    "ecommerce": r"电商|电子商务|e-?commerce|零售|商品",
    "safety": r"安全|越狱|jailbreak|隐私|privacy|漏洞|操控|manipulat(?:e|ion) (?:the )?model|\bsafety\b|有害|harmful"
              r"|(?:价值|偏好|人类|临床|医生|healthcare)\s*(?:对齐|alignment)|alignment from",
    "data": r"数据集|语料库?|corpus|数据筛选|数据选择|数据效率|data efficiency|数据合成|数据构建|数据清洗|数据审计|训练数据"
            r"|\bdatasets?\b|data selection|data curation|资产|数据[^，。]{0,6}(?:生态|发布)",
}
# Words that are evidence only in the title, in two places at once (the contribution and the 应用领域 line) or
# in the head of that line: a video generator that 压缩 its latents, or a model 蒸馏 from a teacher, is not
# about efficiency; a title that says Efficient or Low-Latency is.
_WEAK: dict[str, str] = {
    "efficiency": r"(?<!测试集)(?<!数据集)(?<!基准)压缩(?!.{0,6}(?:基准|评估|测试集))|compression|low-?latency|低延迟|显存|内存"
                  r"|(?<!不增加)(?<!无需额外)(?:计算|部署|训练|推理|token ?)(?:成本|开销)|降低[^，。]{0,8}(?:成本|开销|延迟)|efficient"
                  r"|单张\s*gpu|single gpu|蒸馏|constant-memory|on-device|端侧",
    "retrieval": r"检索|retrieval|搜索(?!最优|最佳|空间)|\bsearch\b",
}
# Words that count only in the head of the 应用领域 line, being too loose anywhere else.
_HEAD_ONLY: dict[str, str] = {"llm": r"大模型|自然语言处理|\bnlp\b"}
# Words naming what the methods act on, evidence anywhere in the 应用领域 line: "大模型越狱防御", "大语言模型预训练".
_OBJECT_OF: dict[str, str] = {
    "llm": r"(?<!多模态)(?<!视觉)(?:大语言模型|大模型)(?:越狱|安全|对齐|预训练|指令|可验证|推理|的)|长上下文大模型|大语言模型预训练",
    "multimodal": r"多模态大模型|视频大模型|\bmllms?\b",
}
# Readings that a tag word does not mean in its context.
_NOT: dict[str, str] = {
    # 推理 of reasoning, and inference-time methods, are not efficiency by themselves.
    "efficiency": r"推理优化 \(reasoning|reasoning/rlhf|不增加计算开销|无需额外计算",
    "3d": r"三维结构生成|protein",  # a protein's 3D structure is biology, not 3D vision
}
_RES = {tag: re.compile(ascii_bounds(p)) for tag, p in _EVIDENCE.items()}
_NOT_RES = {tag: re.compile(ascii_bounds(p)) for tag, p in _NOT.items()}
_HEAD_RES = {tag: re.compile(ascii_bounds(p)) for tag, p in _HEAD_ONLY.items()}
_WEAK_RES = {tag: re.compile(ascii_bounds(p)) for tag, p in _WEAK.items()}
_OBJECT_RES = {tag: re.compile(ascii_bounds(p)) for tag, p in _OBJECT_OF.items()}
_HEAD_SPLIT_RE = re.compile(r"[、，,；;。（(]|具体|特别|主要|涵盖|\s/\s")
_MARKUP_RE = re.compile(r"\*\*|\*|`")


@dataclass(frozen=True)
class DomainTag:
    """A tag and why: `evidence` names where the words were found ("title: KV-Cache; contribution: 量化")."""

    domain: str
    evidence: str


def tag_paper(paper: Paper) -> list[DomainTag]:
    """The paper's tags in `DOMAIN_TAGS` order, each with its evidence."""
    domain = paper.section("domain")
    contribution = paper.section("contribution")
    return tag_texts(paper.title, domain.text if domain else "", contribution.text if contribution else "")


def tag_texts(title: str, domain: str, contribution: str) -> list[DomainTag]:
    """Tags for a title, an 应用领域 text and a contribution text (see the module docstring)."""
    domain = _MARKUP_RE.sub("", domain).strip()
    head = _HEAD_SPLIT_RE.split(domain, maxsplit=1)[0]
    places = {"title": title, "contribution": _MARKUP_RE.sub("", contribution)[:1500], "domain": domain[:1500]}
    lowered = {k: v.lower() for k, v in places.items()}
    tags = []
    for tag in DOMAIN_TAGS:
        found, weak = {}, {}
        for place, text in lowered.items():
            if (not_re := _NOT_RES.get(tag)) and not_re.search(text):
                continue
            if m := _RES[tag].search(text):
                found[place] = places[place][m.start():m.end()]
            elif tag in _WEAK_RES and (m := _WEAK_RES[tag].search(text)):
                weak[place] = places[place][m.start():m.end()]
        in_head = "domain" in found and _RES[tag].search(head.lower()) is not None
        if not in_head and tag in _HEAD_RES and (m := _HEAD_RES[tag].search(head.lower())):
            in_head, found["domain"] = True, head[m.start():m.end()]
        # What the methods act on counts anywhere in the line, as the head does ("AI 安全、大模型越狱防御").
        if not in_head and tag in _OBJECT_RES and (m := _OBJECT_RES[tag].search(lowered["domain"])):
            in_head, found["domain"] = True, places["domain"][m.start():m.end()]
        if weak and (len(weak) + len(found) >= 2 or "title" in weak or _WEAK_RES[tag].search(head.lower())):
            found = {p: found.get(p) or weak[p] for p in places if p in found or p in weak}
            in_head = in_head or bool(_WEAK_RES[tag].search(head.lower()))
        strong = "title" in found or "contribution" in found
        if strong or in_head:
            tags.append(DomainTag(tag, "; ".join(f"{p}: {w}" for p, w in found.items())))
    return _resolve(tags)


def _resolve(tags: list[DomainTag]) -> list[DomainTag]:
    names = {t.domain for t in tags}
    drop = set()
    # An MLLM/VLM paper is multimodal; call it `llm` only when text LLMs are named outside "多模态大模型".
    if "multimodal" in names and "llm" in names:
        llm = next(t for t in tags if t.domain == "llm")
        # Chain-of-thought in a multimodal title is the multimodal model's reasoning, not a text LLM.
        if not re.search(r"大语言模型|language model|\bllm", llm.evidence, re.I):
            drop.add("llm")
    # A 3D reconstruction paper is `3d`, not image understanding: "计算机视觉 - 3D 重建" names the field it sits in.
    if "3d" in names:
        drop.add("vision")
    # Medical imaging read by a multimodal model (影像报告生成, 多模态大模型评估) is `multimodal` and `medical`.
    if "medical" in names and "multimodal" in names:
        drop.add("vision")
    return [t for t in tags if t.domain not in drop]


def domain_names(paper: Paper) -> list[str]:
    """Just the tags of `tag_paper`."""
    return [t.domain for t in tag_paper(paper)]
