"""Judge a page the way a browser parses it (html5lib): what markup did data inject, what text shows.

Autoescaping is verified here rather than assumed: a payload that came through as markup
shows up as a script, an ``on*`` attribute, an inline style or a ``javascript:`` URL — none of
which OrgLife's templates write (the CSP forbids inline script and style).
"""
from __future__ import annotations

import re

import html5lib

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "xlink:href"}
NEVER = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "style", "template"}
BAD_SCHEMES = {"javascript", "vbscript", "data"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))


def local(name: str) -> str:
    """``{namespace}name`` (how html5lib names SVG and MathML nodes) → ``name``."""
    return name.rpartition("}")[2].lower()


def scheme(url: str) -> str:
    """The scheme a browser reads in ``url`` (tabs and newlines removed), '' when relative."""
    url = re.sub("[\t\n\r]", "", url.strip(C0_AND_SPACE)).lower()
    head, colon, _ = url.partition(":")
    return head if colon and re.fullmatch(r"[a-z][a-z0-9+.-]*", head) else ""


def parse(text: str):
    """The page as a browser's DOM (an ElementTree); hand it on to parse a page only once."""
    return html5lib.parse(text, namespaceHTMLElements=False)


def _tree(page):
    return parse(page) if isinstance(page, str) else page


def _elements(page):
    """(tag, attributes, element) of every element, names without namespaces; comments skipped."""
    for element in _tree(page).iter():
        if isinstance(element.tag, str):
            yield local(element.tag), {local(k): v for k, v in element.attrib.items()}, element


def _bad_element(tag: str, attributes: dict, element, never: set) -> str | None:
    if tag in never:
        return f"<{tag}> element"
    inline = (element.text or "").strip()
    if tag == "script" and (inline or not attributes.get("src", "").startswith("/static/")):
        return f"<script {attributes}> {element.text!r}"
    if (tag == "meta" and "http-equiv" in attributes
            or tag == "link" and not attributes.get("href", "").startswith("/static/")
            or tag == "img" and not attributes.get("src", "").startswith("/")):
        return f"<{tag} {attributes}>"
    return None


def injected(page, *, mail: bool = False) -> list[str]:
    """Markup no OrgLife template writes, so it can only have come from data.

    A mail (``mail=True``) carries its own inline style and <style> element, as mail clients need.
    """
    allowed = {"style"} if mail else set()
    found = []
    for tag, attributes, element in _elements(page):
        if problem := _bad_element(tag, attributes, element, NEVER - allowed):
            found.append(problem)
        for name, value in attributes.items():
            handler = name.startswith("on") or name in {"style", "srcdoc", "formaction"} - allowed
            if handler or name in URL_ATTRIBUTES and scheme(value) in BAD_SCHEMES:
                found.append(f"<{tag} {name}={value!r}>")
    return found


def shown(page) -> str:
    """Every text node and attribute value of the page, one per line (what a reader can see or copy)."""
    parts = []
    for node in _tree(page).iter():
        if isinstance(node.tag, str):  # a comment's own text is not shown, its tail is
            parts.extend([node.text or "", *node.attrib.values()])
        parts.append(node.tail or "")
    return "\n".join(p for p in parts if p)
