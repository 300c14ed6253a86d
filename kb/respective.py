"""Figures listed with 分别 / respectively, paired in order with the names listed before them. Pure.

"在 MMLU、GSM8K 和 HumanEval 上分别达到 71.2%、85.3% 和 62.1%" gives each value the benchmark in
the same place of the list, where reading each figure alone would give all three the nearest name.
"""

from __future__ import annotations

import bisect
import re

from kb import benchmarks, roles

RESPECTIVELY_RE = re.compile(r"分别|各自|respectively", re.I)
# What may separate two items of one list: "、", "，", "和", "以及", "/", "and".
_SEPARATOR_RE = re.compile(r"^\s*(?:[（(][^（()）]{0,20}[）)])?\s*(?:[、,，/&]|和|与|及|以及|\band\b|\bor\b)\s*$", re.I)
STOP_RE = re.compile(r"[。；;]")
_OPEN_PAREN_RE = re.compile(r"[（(]\s*$")
_PLAIN_SEPARATOR_RE = re.compile(r"^\s*(?:[、,，/&]|和|与|及|\band\b)\s*$", re.I)
# A compared parenthesis that names its system or its metrics: "（原始模型为 52.0%、61.3% 和 48.6%）",
# "均优于 CosyVoice 3（CER 1.21、SIM 0.75）".
_OPEN_NAMED_PAREN_RE = re.compile(
    r"[（(]\s*(?:(?P<sys>[^（()）\d，,；;。:：]{1,16}?)\s*(?:为|是|[:：])|(?P<metric>[A-Za-z][A-Za-z0-9@\-]*))\s*$")
_METRIC_SEPARATOR_RE = re.compile(r"^\s*(?:[、,，/&]|和|与|及)\s*[A-Za-z][A-Za-z0-9@\-]*\s*(?:为|[:：])?\s*$")
_TO_LIST_GAP_RE = re.compile(r"^\s*%?\s*[^\d，,；;。]{0,8}?(?:至|到|→)\s*(?:了|约)?\s*$")
_ON_LIST_RE = re.compile(
    r"在\s*(?P<names>[A-Za-z][A-Za-z0-9\-+_.]*(?:\s*(?:、|,|，|和|与|及|以及)\s*[A-Za-z][A-Za-z0-9\-+_.]*)+)\s*(?:等)?\s*(?:基准|数据集)?\s*上[^，。；]{0,4}?分别")
_NAME_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9\-+_.]*(?![A-Za-z0-9])")


def respective_benchmarks(text: str, figures: list[tuple[int, int]],
                          spots: list[tuple[int, int, str, str]]) -> dict[int, str]:
    """{figure index: benchmark as written} for the figures of a 分别 list in `text`.

    `figures` are the (start, end) spans of the sentence's figures, `spots` the registry names found
    in it (start, end, canonical, as written), both in order. A list is paired only when it has as
    many names as figures: anything else is left to the per-figure reading.
    """
    out: dict[int, str] = {}
    if not RESPECTIVELY_RE.search(text):
        return out
    spots = _with_unspotted_names(text, spots)
    figure_starts, spot_starts = [f[0] for f in figures], [s[0] for s in spots]
    floor = 0  # the first name after an earlier 分别 list: names before it belong to that list
    previous: list[tuple[int, int, str, str]] = []
    for m in RESPECTIVELY_RE.finditer(text):
        if figures and m.start() < figures[-1][0] and (run := _figure_run(text, figures, figure_starts, m.end())):
            top = bisect.bisect_left(spot_starts, m.start())
            while top > floor and spots[top - 1][1] > m.start():
                top -= 1
            names = _name_list(spots[floor:top], text, len(run))
            # "PSNR 分别为 27.83 和 28.61，SSIM 分别为 0.881 和 0.842": a second list answers the same names.
            if not names and floor == top and len(previous) == len(run):
                names = previous
            if names:
                out.update({i: s[3] for i, s in zip(run, names)})
                previous = names
                # "分别从 26.7% 和 61.4% 提升至 36.5% 和 70.2%": the levels reached answer the same names.
                reached = list(range(run[-1] + 1, run[-1] + 1 + len(run)))
                if reached[-1] < len(figures) and _TO_LIST_GAP_RE.match(text[figures[run[-1]][1]:figures[reached[0]][0]]) \
                        and all(_SEPARATOR_RE.match(text[figures[i - 1][1]:figures[i][0]]) for i in reached[1:]):
                    out.update({i: s[3] for i, s in zip(reached, names)})
                    run = reached
            floor = max(floor, bisect.bisect_left(spot_starts, figures[run[-1]][1]))
    return out


def respective_compared(text: str, figures: list[tuple[int, int]]) -> dict[int, tuple[int, str | None]]:
    """{result: (compared figure, system)} for a 分别 list answered by a list of a compared system's
    figures in parentheses: "WER 分别为 2.1% / 4.6%，优于 Emformer（2.6% / 5.9%）" pairs 2.1 with 2.6
    and 4.6 with 5.9, where reading each figure alone would leave the compared ones as results."""
    out: dict[int, tuple[int, str | None]] = {}
    starts = [f[0] for f in figures]
    for m in RESPECTIVELY_RE.finditer(text):
        run = _figure_run(text, figures, starts, m.end())
        if not run or run[-1] + len(run) >= len(figures):
            continue
        first, last = run[-1] + 1, run[-1] + len(run)
        if any(not _SEPARATOR_RE.match(text[figures[i - 1][1]:figures[i][0]]) for i in range(first + 1, last + 1)):
            continue  # the compared figures must form one list of the same length
        system = roles.compared_before(text[max(0, figures[first][0] - 80):figures[first][0]], text[figures[last][1]:])
        if system is not None and not STOP_RE.search(text, figures[run[-1]][1], figures[first][0]):
            out.update({r: (c, system) for r, c in zip(run, range(first, last + 1))})
    return out | _parenthesised_lists(text, figures, out)


def _parenthesised_lists(text: str, figures: list[tuple[int, int]], taken: dict[int, tuple[int, str | None]],
                         ) -> dict[int, tuple[int, str | None]]:
    """{result: (compared figure, system)} for a compared system's parenthesis answering as many figures
    just before it: "匹配率达到 67.3%，RMSE 为 0.041，优于 DiffCSP（51.5%，0.063）", "分别取得 78.4 和 84.1，
    与 4-bit QLoRA（78.9 和 84.6）基本持平"."""
    out: dict[int, tuple[int, str | None]] = {}
    used = set(taken) | {c for c, _ in taken.values()}
    j = 1
    while j < len(figures):
        named = None
        if not _OPEN_PAREN_RE.search(text, max(0, figures[j][0] - 2), figures[j][0]):
            named = _OPEN_NAMED_PAREN_RE.search(text, max(0, figures[j][0] - 24), figures[j][0])
            if named is None:
                j += 1
                continue
        separator = _METRIC_SEPARATOR_RE if named is not None and named.group("metric") else _PLAIN_SEPARATOR_RE
        last = j
        while last + 1 < len(figures) and separator.match(text[figures[last][1]:figures[last + 1][0]]):
            last += 1
        size, first = last - j + 1, j - (last - j + 1)
        closes = text[figures[last][1]:figures[last][1] + 2].lstrip()[:1] in "）)"
        if size >= 2 and first >= 0 and closes and not used & set(range(first, last + 1)) \
                and not STOP_RE.search(text, figures[first][1], figures[j][0]) \
                and not _OPEN_PAREN_RE.search(text, max(0, figures[first][0] - 2), figures[first][0]):
            start = named.start() + 1 if named is not None else figures[j][0]  # up to and with the "（"
            before, after = text[max(0, start - 80):start], text[figures[last][1]:]
            system = (named.group("sys").strip() if named is not None and named.group("sys") else None) \
                or roles.compared_before(before, after) or roles.on_par_system(before, after)
            if system is not None:
                out.update({r: (c, system) for r, c in zip(range(first, j), range(j, last + 1))})
        j = last + 1
    return out


def _with_unspotted_names(text: str, spots: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """`spots` and the registry names too ambiguous to spot in running text (Weather, ACID), or subsets
    of a benchmark named before them (Beauty after Amazon Reviews), which a list of names next to 分别
    shows to be benchmarks."""
    taken = [(s[0], s[1]) for s in spots]
    extra = []
    for m in _NAME_RE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if benchmarks.is_known(m.group()):
            extra.append((m.start(), m.end(), benchmarks.canonical(m.group()), m.group()))
        # "Amazon Reviews：在 Beauty、Sports 上…分别": subsets named after their family.
        elif sub := next((found for s in spots if s[1] <= m.start() and (found := benchmarks.subset_of(s[2], m.group()))), None):
            extra.append((m.start(), m.end(), sub, sub))
    # "在 ChartBench、EvoChart 和 MMC 上分别取得…": a list of names the sentence says it is measured on.
    for m in _ON_LIST_RE.finditer(text):
        for n in _NAME_RE.finditer(m.group("names")):
            start, end = m.start("names") + n.start(), m.start("names") + n.end()
            if not any(a < end and start < b for a, b in taken) and not any(e[0] == start for e in extra):
                extra.append((start, end, benchmarks.canonical(n.group()), n.group()))
    return sorted(spots + extra) if extra else spots


def _figure_run(text: str, figures: list[tuple[int, int]], starts: list[int], pos: int) -> list[int]:
    """Indices of the two or more figures listed right after `pos`: the first one within a short
    phrase of it, then each one separated from the one before by a list separator only."""
    first = bisect.bisect_left(starts, pos)
    if first >= len(figures) or figures[first][0] - pos > 30 or STOP_RE.search(text, pos, figures[first][0]):
        return []
    run = [first]
    for i in range(first + 1, len(figures)):
        if not _SEPARATOR_RE.match(text[figures[i - 1][1]:figures[i][0]]):
            break
        run.append(i)
    return run if len(run) >= 2 else []


def _name_list(spots: list[tuple[int, int, str, str]], text: str, n: int) -> list[tuple[int, int, str, str]]:
    """The `n` names of the list the figures answer: the last list of names before 分别, or all of them."""
    tail: list[tuple[int, int, str, str]] = []
    for spot in reversed(spots):
        if tail and not _SEPARATOR_RE.match(text[spot[1]:tail[0][0]]):
            break
        tail.insert(0, spot)
    if len(tail) == n:
        return tail
    return spots if len(spots) == n else []
