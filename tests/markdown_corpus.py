"""Worst cases for the Markdown renderer's cost: the texts that made earlier renderers stall.

Each entry is a repeating unit; ``text(unit, n)`` repeats it up to ``n`` characters. Python-Markdown
took 42 s on 20,000 ``[`` (quadratic in runs of brackets, setext underlines, headings, raw tags)
and overflowed the stack on ``+ + +``; the sanitizer's tree builder is quadratic in nesting depth
(``> > >``, ``<div><div>``). The sweep adds every ASCII punctuation mark in five shapes, so that a
construct nobody thought of is still tried.
"""
import string

MAX_LENGTH = 100_000  # the longest Markdown field (minutes, meetings.domain.minutes.MAX_LENGTH)

KNOWN = {
    "brackets": "[",
    "brackets and spaces": "[ ",
    "open links": "[a",
    "half links": "[a](",
    "images": "![",
    "link references": "[a]: ",
    "nested quotes": "> ",
    "quote marks": ">",
    "dash lines": "-\n",
    "setext underlines": "a\n=\n",
    "headings": "#\n",
    "raw tags per line": "<a\n",
    "nested plus lists": "+ ",
    "nested ordered lists": "1. ",
    "indented lists": "    - a\n",
    "nested divs": "<div>",
    "nested lists in HTML": "<ol><li>",
    "nested quotes in HTML": "<blockquote><p>",
    "emphasis": "*a",
    "strong": "**a",
    "underscores": "_a",
    "strikethrough": "~~a",
    "backticks": "`a",
    "autolinks": "<http://a",
    "bare urls": "www.a.",
    "entities": "&#",
    "escapes": "\\",
    "table pipes": "|a",
    "table rows": "|a|b|\n|-|-|\n",
}

SHAPES = {
    "run": lambda c: c,
    "with letter": lambda c: c + "a",
    "with space": lambda c: c + " ",
    "per line": lambda c: c + "\n",
    "doubled": lambda c: c * 2 + " ",
}


def sweep() -> dict[str, str]:
    """Every ASCII punctuation mark (and tab) in every shape, as repeating units."""
    return {f"{name} {c!r}": shape(c) for c in string.punctuation + "\t" for name, shape in SHAPES.items()}


def text(unit: str, n: int = MAX_LENGTH) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def wide_table(n: int = MAX_LENGTH) -> str:
    """A table as wide as the text allows: 500 columns, then rows until the length is reached."""
    header = "|a" * 500 + "\n" + "|-" * 500 + "\n"
    return text(header + "|a" * 500 + "\n", n)


def typical(n: int = MAX_LENGTH) -> str:
    """Minutes as a secretary writes them, for the floor: headings, lists, bold, a table."""
    block = ("## 会议议程\n\n1. 学习传达**党章**有关内容\n2. 开展批评与自我批评\n\n"
             "张三同志发言：理论学习不够深入，今后每周自学一章。[共产党员网](https://www.12371.cn/)\n\n"
             "| 事项 | 赞成 | 反对 |\n|---|---|---|\n| 接收预备党员 | 12 | 0 |\n\n")
    return text(block, n)
