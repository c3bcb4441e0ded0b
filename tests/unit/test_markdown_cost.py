"""The Markdown renderer's cost is bounded for any stored text (every view renders it again).

Budgets are wall time on the slowest machine CI runs on, with the other test process busy:
far above what the renderer needs (bench/markdown.py prints it), far below the seconds to
minutes that the quadratic cases took with Python-Markdown and a deep tree in the sanitizer.
"""
import time

import pytest
from markupsafe import Markup

from meetings.domain.markdown import MAX_DEPTH, nesting_depth, plain, render
from tests import markdown_corpus as corpus

BUDGET_AT_MAX_LENGTH = 1.5  # seconds for 100,000 characters
SWEEP_LENGTH = 20_000
BUDGET_AT_SWEEP_LENGTH = 0.5


def timed(source: str) -> tuple[Markup, float]:
    started = time.perf_counter()
    html = render(source)
    return html, time.perf_counter() - started


@pytest.mark.parametrize("unit", list(corpus.KNOWN.values()), ids=list(corpus.KNOWN))
def test_a_known_worst_case_at_the_longest_field_renders_within_budget(unit):
    html, seconds = timed(corpus.text(unit))
    assert isinstance(html, Markup) and html
    assert seconds < BUDGET_AT_MAX_LENGTH, f"{seconds:.2f} s"


def test_the_widest_table_renders_within_budget():
    html, seconds = timed(corpus.wide_table())
    assert "<table>" in html
    assert seconds < BUDGET_AT_MAX_LENGTH, f"{seconds:.2f} s"


@pytest.mark.parametrize("unit", list(corpus.sweep().values()), ids=list(corpus.sweep()))
def test_every_punctuation_mark_in_every_shape_renders_within_budget(unit):
    _, seconds = timed(corpus.text(unit, SWEEP_LENGTH))
    assert seconds < BUDGET_AT_SWEEP_LENGTH, f"{seconds:.2f} s"


@pytest.mark.parametrize("unit", ["+ ", "1. ", "- ", "* "])
def test_nested_lists_do_not_exhaust_the_stack(unit):
    html = render(unit * 5_000 + "议程")
    assert "议程" in html


@pytest.mark.parametrize("source", [
    "> " * 2_000 + "重要", "<div>" * 2_000 + "重要", "- " * 10 + "<ul>" * 60 + "重要"])
def test_a_text_nested_past_the_limit_is_shown_as_plain_text(source):
    html = str(render(source))
    assert "<blockquote>" not in html and "<div>" not in html and "<ul>" not in html
    assert html.startswith("<p>") and "重要" in html
    assert "&lt;" in html or "&gt;" in html


def test_a_deep_but_real_outline_keeps_its_lists():
    outline = "".join("  " * level + f"- 第{level + 1}级\n" for level in range(8))
    html = str(render(outline))
    assert html.count("<ul>") == 8 and "第8级" in html


@pytest.mark.parametrize(("html", "depth"), [
    ("", 0),
    ("<p>a</p><p>b</p>", 1),
    ("<blockquote><p>a<br>b<hr/></p></blockquote>", 2),
    ("<ul><li><ul><li>x</li></ul></li></ul>", 4),
    ("<p>unclosed<p>again", 2),  # overstated, never understated
    ("</p></p><em>x</em>", 1),
    ("<img src=x><input/><br />", 0),
    ("&lt;div&gt;" * 100, 0),  # escaped text is no tag
])
def test_nesting_depth_counts_open_elements(html, depth):
    assert nesting_depth(html) == depth


def test_the_depth_limit_leaves_room_for_any_real_document():
    assert MAX_DEPTH >= 32


def test_plain_text_keeps_paragraphs_and_line_breaks_and_escapes_everything():
    html = str(plain("第一行\n<script>x</script>\n\n\n第二段"))
    assert html == "<p>第一行<br>\n&lt;script&gt;x&lt;/script&gt;</p>\n<p>第二段</p>"


def test_a_lone_surrogate_from_a_json_body_does_not_break_rendering():
    assert "议程" in render("议程\ud800")


def test_a_single_tilde_is_a_range_and_two_strike_through():
    html = str(render("3~5人参加，~~原定周五~~改为周四"))
    assert "3~5人" in html and "<del>原定周五</del>" in html


def test_a_bare_address_becomes_a_safe_link():
    html = str(render("详见 https://www.12371.cn/ 的通知"))
    assert '<a href="https://www.12371.cn/" rel="noopener noreferrer">' in html
