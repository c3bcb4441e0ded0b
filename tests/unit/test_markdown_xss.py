"""Agenda and minutes Markdown against an XSS corpus, judged the way a browser parses the output.

``render``'s output is parsed with html5lib (the WHATWG algorithm, so entities, tabs in
schemes and mis-nested tags are read as a browser reads them) and every node is audited.
"""
import re

import html5lib
import pytest

from meetings.domain.markdown import ATTRIBUTES, TAGS, URL_SCHEMES, render
from tests.unit.xss_corpus import HTML_TAGS, MARKDOWN, UNICODE, URLS

REL = "noopener noreferrer"
FORBIDDEN = {"script", "style", "iframe", "svg", "math", "object", "embed", "base", "meta", "form", "input"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")

CORPUS = {
    **HTML_TAGS,
    **MARKDOWN,
    **UNICODE,
    **{f"a-href-{name}": f'<a href="{url}">点我</a>' for name, url in URLS.items()},
    **{f"md-link-{name}": f"[点我]({url})" for name, url in URLS.items()},
    **{f"md-image-{name}": f"![图]({url})" for name, url in URLS.items()},
}


def scheme(url: str) -> str | None:
    """The scheme a browser would see in an (already entity-decoded) URL; None when relative."""
    url = re.sub("[\t\n\r]", "", url.strip(C0_AND_SPACE)).lower()
    head, colon, _ = url.partition(":")
    return head if colon and SCHEME.fullmatch(head) else None


def local(name) -> str:
    """``{namespace}name`` (how html5lib names SVG/MathML/xlink nodes) → ``name``."""
    return name.rpartition("}")[2].lower()


def audit(html: str) -> list[str]:
    """Everything in ``html`` a browser would run or that is off the allow-list (empty: safe)."""
    found = []
    for node in html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False).iter():
        if not isinstance(node.tag, str):  # comments and processing instructions
            found.append(f"unexpected node {node.tag!r}: {node.text!r}")
            continue
        if node.tag == "DOCUMENT_FRAGMENT":
            continue
        tag = local(node.tag)
        if node.tag not in TAGS:
            found.append(f"<{node.tag}> is not allowed")
        if tag in FORBIDDEN:
            found.append(f"<{node.tag}> is forbidden")
        allowed = ATTRIBUTES.get(node.tag, set()) | ({"rel"} if node.tag == "a" else set())
        for name, value in node.attrib.items():
            if local(name).startswith("on"):
                found.append(f"<{tag} {name}> is an event handler")
            if local(name) == "style":
                found.append(f"<{tag} style> is forbidden")
            if name not in allowed:
                found.append(f"<{tag} {name}> is not allowed")
            if local(name) in ("href", "src") and scheme(value) not in URL_SCHEMES | {None}:
                found.append(f"<{tag} {name}={value!r}> has scheme {scheme(value)}")
        if node.tag == "a" and node.attrib.get("rel") != REL:
            found.append(f"<a> has rel={node.attrib.get('rel')!r}")
    return found


def elements(html: str) -> list:
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [node for node in fragment.iter() if node.tag != "DOCUMENT_FRAGMENT"]


def text(html: str) -> str:
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return "".join(fragment.itertext())


@pytest.mark.parametrize("source", list(CORPUS.values()), ids=list(CORPUS))
def test_hostile_source_renders_to_nothing_a_browser_would_run(source):
    html = str(render(source))
    assert audit(html) == [], html


def test_corpus_ids_do_not_collide_across_groups():
    assert len(CORPUS) == len(HTML_TAGS) + len(MARKDOWN) + len(UNICODE) + 3 * len(URLS)


@pytest.mark.parametrize(("html", "problem"), [
    ('<a href="jav&#x09;ascript:x" rel="noopener noreferrer">x</a>', "has scheme javascript"),
    ('<a href=" &#1;JAVA\nSCRIPT&colon;x" rel="noopener noreferrer">x</a>', "has scheme javascript"),
    ('<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58x" rel="noopener noreferrer">x</a>',
     "has scheme javascript"),
    ('<a href="https://example.org">x</a>', "has rel=None"),
    ("<p onclick=x>x</p>", "is an event handler"),
    ('<p style="color:red">x</p>', "<p style> is forbidden"),
    ("<svg><a xlink:href='javascript:x'>x</a></svg>", "has scheme javascript"),
    ("<math><mi>x</mi></math>", "<{http://www.w3.org/1998/Math/MathML}math> is forbidden"),
    ("<form><input></form>", "<input> is forbidden"),
    ("<p><!-- x --></p>", "unexpected node"),
    ("<table><td>x</table><img src=x>", "<img> is not allowed"),
])
def test_the_auditor_itself_notices_unsafe_html(html, problem):
    assert any(problem in found for found in audit(html)), audit(html)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org", "https"), (" \x01MailTo:x@example.org", "mailto"),
    ("/meetings/42", None), ("10:30", None), ("//example.org/x", None), ("?a=b:c", None),
    ("jav\tascript:x", "javascript"), ("java\u200bscript:x", None),
])
def test_scheme_is_read_like_a_browser_reads_it(url, expected):
    assert scheme(url) == expected


def test_a_vote_tally_table_still_renders():
    html = str(render("| 事项 | 赞成 | 反对 |\n|:---|:---:|---:|\n| 接收预备党员 | 12 | 0 |"))
    assert audit(html) == []
    tags = [node.tag for node in elements(html)]
    assert tags[:1] == ["table"] and {"thead", "tbody", "th", "td"} <= set(tags)
    assert [node.get("align") for node in elements(html) if node.tag == "th"] == ["left", "center", "right"]


@pytest.mark.parametrize("source", ["[共产党员网](https://www.12371.cn/)", "<https://www.12371.cn/>"])
def test_an_https_link_keeps_its_href(source):
    html = str(render(source))
    (link,) = [node for node in elements(html) if node.tag == "a"]
    assert link.attrib == {"href": "https://www.12371.cn/", "rel": REL}
    assert audit(html) == []


def test_chinese_minutes_survive_unchanged():
    source = "## 批评与自我批评\n\n张三同志：理论学习不够深入，今后每周自学《习近平谈治国理政》一章。"
    html = str(render(source))
    assert text(html) == "批评与自我批评\n张三同志：理论学习不够深入，今后每周自学《习近平谈治国理政》一章。"
    assert audit(html) == []


@pytest.mark.parametrize("source", ["`<b>`", "&lt;b&gt;"])
def test_a_literal_b_tag_shows_as_text(source):
    html = str(render(source))
    assert "<b>" in text(html) and "b" not in [node.tag for node in elements(html)]


def test_a_raw_b_tag_is_dropped_but_its_words_stay():
    html = str(render("<b>重要</b>：下周一开会"))
    assert text(html) == "重要：下周一开会" and audit(html) == []
