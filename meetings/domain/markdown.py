"""The only Markdown → HTML path of OrgLife: Python-Markdown, then an allow-list sanitizer (nh3).

Whatever a secretary types — agenda or minutes — comes out as safe HTML: raw HTML in the
source is escaped by Markdown's own rules or dropped by the sanitizer, links keep only safe
schemes and open with ``rel="noopener noreferrer"``.
"""
import markdown as _markdown
import nh3
from markupsafe import Markup

MAX_SOURCE = 200_000  # characters; longer text is refused by the forms long before this
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
# Column alignment as an ``align`` attribute: the sanitizer drops every ``style``.
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> Markup:
    """Markdown source → sanitized HTML, safe to insert into a page as it is."""
    source = (text or "")[:MAX_SOURCE]
    html = _markdown.markdown(source, extensions=EXTENSIONS, output_format="html",
                              extension_configs=EXTENSION_CONFIGS)
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return Markup(clean)
