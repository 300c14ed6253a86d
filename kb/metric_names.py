"""Metric names mentioned in text (PSNR, accuracy, 加速): which metric a reported figure measures. Pure."""

from __future__ import annotations

import re

from kb.word_patterns import ascii_bounds, fold_case, word_prefilter

_METRICS: tuple[tuple[str, str], ...] = (
    (r"pass@\d+", "pass@k"), (r"成功率|success rate|\bSR\b", "success rate"), (r"\bPSNR\b", "PSNR"),
    (r"\bSSIM\b", "SSIM"), (r"\bLPIPS\b", "LPIPS"), (r"\bFVD\b", "FVD"), (r"\bFID\b", "FID"), (r"\bFPSD\b", "FPSD"),
    (r"\bmIoU\b", "mIoU"), (r"\bDice\b", "Dice"), (r"\bF1\b", "F1"), (r"\bAU(?:RO)?C\b", "AUC"), (r"\bAUV\b", "AUV"),
    (r"\bLCE\b", "LCE"), (r"\bBLEU\b", "BLEU"), (r"\bROUGE", "ROUGE"), (r"\bmAP\b", "mAP"), (r"\bIoU\b", "IoU"),
    (r"\bWER\b|词错率", "WER"), (r"Spearman|相关系数|correlation", "correlation"), (r"\bCKA\b", "CKA"),
    (r"一致率|一致性系数|agreement|kappa|κ", "agreement"), (r"命中率|hit rate", "hit rate"),
    (r"困惑度|perplexity|\bPPL\b", "perplexity"), (r"胜率|win rate", "win rate"), (r"选择率|被选概率", "selection rate"),
    (r"循环率|\bLR\b", "loop rate"), (r"不安全率", "unsafe rate"), (r"保真度|fidelity", "fidelity"),
    (r"准确率|正确率|精度|精确度|准确度|accuracy|\bacc\b", "accuracy"), (r"召回|recall", "recall"),
    (r"加速|speed-?up|提速|速度", "speedup"), (r"显存|内存|memory", "memory"), (r"延迟|latency", "latency"),
    (r"吞吐|throughput|TFLOPS", "throughput"), (r"\bFPS\b|帧率", "FPS"), (r"错误率|误差|error", "error"),
    (r"保留率", "retention"), (r"压缩率|(?<!未)压缩|compression", "compression"), (r"参数", "parameters"),
    (r"成本|cost|开销", "cost"), (r"耗时|时间|time", "time"), (r"奖励|reward", "reward"),
    (r"得分|分数|评分|高分|平均分|score|分(?=[，。、；）)]|$)", "score"),
)
# (pattern, name, prefilter): a text is scanned only for the metrics whose words it has.
_METRIC_RES = tuple((re.compile(ascii_bounds(p), re.I), name, word_prefilter(p)) for p, name in _METRICS)


def metric_mentions(text: str) -> list[tuple[int, str]]:
    """(start, metric name) of every metric mention in `text`, in `_METRICS` order."""
    if not text:
        return []  # the phrase after a figure is mostly empty
    folded = fold_case(text)
    return [(m.start(), name) for rx, name, prefilter in _METRIC_RES
            if prefilter is None or prefilter.search(folded) for m in rx.finditer(text)]
