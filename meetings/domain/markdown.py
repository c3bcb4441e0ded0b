"""The only Markdown → HTML path of OrgLife: cmark-gfm, then an allow-list sanitizer (nh3).

Whatever a secretary types — agenda, minutes, campaign instructions — comes out as safe HTML:
raw HTML in the source is dropped by the sanitizer, links keep only safe schemes and open with
``rel="noopener noreferrer"``.

The cost is bounded for any input, because every stored text is rendered on every view:
- cmark-gfm (GitHub's C CommonMark parser, through ``cmark``, which frees what it allocates) is
  linear in its input by design — Python-Markdown,
  used before, took 42 s on 20,000 ``[`` and overflowed the stack on nested ``+ + +`` lists;
- the sanitizer's HTML tree builder slows down with nesting depth (10,000 nested ``<div>`` or
  ``>`` quotes take minutes), so a text nested deeper than ``MAX_DEPTH`` is shown as plain text,
  which no real agenda or minutes reach;
- at most ``MAX_SOURCE`` characters are read; the forms refuse far less.
"""
import re

import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup, escape

from meetings.domain import cmark

MAX_SOURCE = 200_000  # characters; longer text is refused by the forms long before this
MAX_DEPTH = 48  # elements open at once; a deeply structured agenda reaches about 8
EXTENSIONS = ["table", "strikethrough", "autolink"]
# UNSAFE lets raw HTML through to the sanitizer (which keeps the words of a <b> and the links of
# an <a>); single "~" stays text, as in "3~5人".
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
# A tag's scan stops at the next "<", so the pass stays linear whatever the text.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*>")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def render(text: str | None) -> Markup:
    """Markdown source → sanitized HTML, safe to insert into a page as it is."""
    source = _SURROGATE.sub("\ufffd", (text or "")[:MAX_SOURCE])  # cmark reads UTF-8
    html = cmark.to_html(source, options=OPTIONS, extensions=EXTENSIONS)
    if nesting_depth(html) > MAX_DEPTH:
        return plain(source)
    clean = nh3.clean(html.rstrip("\n"), tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return Markup(clean)


def nesting_depth(html: str) -> int:
    """How many elements are open at once, at most, counting every start tag not yet closed.

    One linear pass over the tags; an unclosed ``<p>`` counts as still open, so this can only
    overstate the depth a browser would build — never understate what the sanitizer will face.
    """
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name = match.groups()
        if name.lower() in VOID or match.group().endswith("/>"):
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def plain(source: str) -> Markup:
    """The text as written: escaped paragraphs with their line breaks, no Markdown."""
    paragraphs = (p.strip("\n") for p in _PARAGRAPHS.split(source))
    return Markup("\n".join("<p>" + str(escape(p)).replace("\n", "<br>\n") + "</p>"
                            for p in paragraphs if p.strip()))
