"""Minutes rendering (会议记录): the sanitizing renderer against the bare Markdown parser.

Builds a realistic ~20 KB Chinese 组织生活会 record in Markdown (学习内容, 对照检查, 批评与自我
批评, 整改措施; paragraphs, lists, a vote-tally table, links) and times, interleaved in this one
run, ``meetings.domain.markdown.render`` (cmark-gfm, the depth check, then nh3) against cmark-gfm
alone with the same options and extensions (no sanitizer). Prints the best batch of each, the
medians for a sense of the noise, and last the ratio of the best batches — goal ≤ 1.5.
The worst inputs are ``bench.markdown_worst``'s.

    .venv/bin/python -m bench.minutes
"""
import statistics
import time

from meetings.domain import cmark
from meetings.domain.markdown import EXTENSIONS, OPTIONS, render

MEMBERS = ("张建国", "李红梅", "王志强", "赵丽华", "刘海涛", "陈晓燕", "杨文军", "黄秀英", "周立新",
           "吴桂芳", "徐卫东", "孙玉兰", "马永平", "朱春华", "胡国庆", "郭淑珍")
SHORTCOMINGS = (
    "理论学习系统性不够，满足于读原文、记笔记，联系实际思考不深",
    "服务群众的主动性不强，下基层调研次数偏少，对群众反映的问题跟踪不及时",
    "工作作风不够扎实，有时存在“差不多就行”的思想，标准不高",
    "批评与自我批评开展得不够经常，对身边同志的问题提醒不够直接",
    "落实“三会一课”制度有时流于形式，党课准备不够充分",
)
MEASURES = (
    "每周至少安排半天集中自学，每月撰写一篇学习体会",
    "每季度深入联系点调研不少于两次，建立问题台账并逐项销号",
    "严格执行工作标准，重要事项实行清单化管理、闭环落实",
    "每月与支部同志开展一次谈心谈话，及时指出问题",
)
TARGET_BYTES = 20_000
BATCHES = 31  # interleaved; the best batch is the one least disturbed by the rest of the machine
BATCH_SECONDS = 0.1


def minutes_source() -> str:
    """The same record every run: the fewest members' entries that make ~20 KB of UTF-8."""
    return next(text for count in range(1, len(MEMBERS) + 1)
                if len((text := record(count)).encode()) >= TARGET_BYTES or count == len(MEMBERS))


def record(count: int) -> str:
    """The whole record with ``count`` members' 对照检查 and as many criticisms."""
    entries = "".join(member_entry(n) for n in range(count))
    return (header() + study() + "## 对照检查\n\n" + entries + criticism(count) + measures() + vote_table()
            + summary())


def header() -> str:
    return ("# 机关第三党支部2024年度组织生活会会议记录\n\n"
            "**时间**：2025年1月16日 14:30—17:40  \n**地点**：行政楼三楼党员活动室  \n"
            "**主持人**：支部书记 张建国　**记录人**：组织委员 李红梅\n\n"
            f"应到党员 {len(MEMBERS)} 名，实到 {len(MEMBERS) - 1} 名（孙玉兰同志因公出差请假），"
            "符合规定人数。上级党组织派员 [机关党委组织部](https://www.12371.cn/) 列席指导。\n\n")


def study() -> str:
    return ("## 学习内容\n\n"
            "会议首先集中学习了党的二十届三中全会精神，以及《中国共产党纪律处分条例》有关章节。"
            "学习材料见 [共产党员网专题](https://www.12371.cn/special/xxzd/) 和"
            " [支部学习资料](/meetings/42/attachments)。\n\n"
            "1. 学习《中国共产党章程》第二章“党员的权利和义务”；\n"
            "2. 观看警示教育片，交流观后感；\n"
            "3. 通报支部2024年度工作开展情况及民主评议党员工作安排。\n\n"
            "> 坚持以刀刃向内的自我革命精神，不断增强党组织的政治功能和组织功能。\n\n")


def member_entry(n: int) -> str:
    """One member's 对照检查 with a couple of shortcomings and the reasons, varied by ``n``."""
    name = MEMBERS[n % len(MEMBERS)]
    items = "".join(f"- {SHORTCOMINGS[(n + k) % len(SHORTCOMINGS)]}；\n" for k in range(3))
    return (f"### {n + 1}. {name}同志\n\n"
            f"{name}同志围绕会前确定的主题，从政治素质、工作作风、担当作为等方面进行了对照检查，"
            "主要问题有：\n\n" + items +
            "\n原因分析：一是理想信念这个“总开关”拧得还不够紧，主观世界改造有所放松；"
            "二是宗旨意识有所淡化，把群众满意作为工作标准的自觉性不够；"
            "三是纪律规矩意识还需加强，对“小事小节”重视不够。\n\n"
            f"整改承诺：{MEASURES[n % len(MEASURES)]}，{MEASURES[(n + 1) % len(MEASURES)]}。\n\n")


def criticism(count: int) -> str:
    """批评与自我批评: each member is criticised by the next one in the list."""
    lines = ["## 批评与自我批评\n\n"]
    for n in range(count):
        who, whom = MEMBERS[(n + 1) % len(MEMBERS)], MEMBERS[n % len(MEMBERS)]
        lines.append(f"**{who}对{whom}**：{SHORTCOMINGS[(n + 2) % len(SHORTCOMINGS)]}，"
                     "希望今后多沉下去、多听意见。*（本人表示诚恳接受）*\n\n")
    return "".join(lines)


def measures() -> str:
    steps = "".join(f"{k + 1}. {text}；\n" for k, text in enumerate(MEASURES))
    return ("## 整改措施\n\n支部班子和党员个人对照查摆的问题，制定整改措施如下：\n\n" + steps +
            "\n整改情况于 `2025-03-31` 前报机关党委，"
            "联系邮箱 [dangban@example.org](mailto:dangban@example.org)。"
            "\n\n---\n\n")


def vote_table() -> str:
    grades = ("优秀", "合格", "合格", "基本合格")
    rows = "".join(f"| {name} | {grades[n % 4]} | {14 - n % 3} | {n % 3} | 0 |\n"
                   for n, name in enumerate(MEMBERS))
    return ("## 民主评议党员表决结果\n\n| 党员 | 评定等次 | 赞成 | 反对 | 弃权 |\n"
            "|:---|:---:|---:|---:|---:|\n" + rows)


def summary() -> str:
    return ("\n## 会议总结\n\n"
            "支部书记张建国同志作总结讲话。他指出，本次组织生活会准备充分、主题鲜明，"
            "大家敞开心扉、坦诚相见，达到了“红红脸、出出汗”的效果。会后，支部将汇总查摆问题，"
            "形成整改清单，明确责任人和完成时限，并在下次支部党员大会上通报整改进展。\n\n"
            "会议于17时40分结束。会议记录经全体参会党员审阅无异议。\n")


def unsanitized(text: str) -> str:
    """The yardstick: cmark-gfm alone, as ``render`` calls it but without the checks and nh3."""
    return cmark.to_html(text, options=OPTIONS, extensions=EXTENSIONS)


def batch(fn, text: str, rounds: int) -> float:
    """Seconds per call over ``rounds`` calls."""
    start = time.perf_counter()
    for _ in range(rounds):
        fn(text)
    return (time.perf_counter() - start) / rounds


def main() -> None:
    text = minutes_source()
    assert "<table>" in render(text) and "<table>" in unsanitized(text)
    rounds = max(3, round(BATCH_SECONDS / batch(render, text, 3)))
    ours, theirs = [], []
    for n in range(BATCHES):  # interleaved, and the order flips so neither always runs first
        pair = [(render, ours), (unsanitized, theirs)]
        for fn, times in pair if n % 2 == 0 else reversed(pair):
            times.append(batch(fn, text, rounds))
    print(f"source: {len(text):,} characters, {len(text.encode()):,} bytes UTF-8; "
          f"{BATCHES} interleaved batches of {rounds} renders each")
    for label, times in (("sanitized (cmark-gfm + nh3)", ours), ("unsanitized (cmark-gfm alone)", theirs)):
        print(f"{label}: best {min(times) * 1e3:.2f} ms, median {statistics.median(times) * 1e3:.2f} ms")
    print("goal: sanitized/unsanitized ≤ 1.50")
    print(f"sanitized/unsanitized ratio: {min(ours) / min(theirs):.2f}")


if __name__ == "__main__":
    main()
