"""Rendering frees what cmark-gfm allocated: cmarkgfm's own wrapper leaked the document tree and
the HTML string on every call (~5 MB per view of long minutes, ~27 MB for a deeply quoted one)."""
import cmarkgfm
import pytest

from meetings.domain import cmark
from meetings.domain.markdown import EXTENSIONS, OPTIONS
from tests import markdown_corpus as corpus

RENDERS = 40
DEEP_QUOTES = corpus.text(corpus.sweep()["run '>'"], corpus.MAX_LENGTH)


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.mark.parametrize("source", [corpus.typical(), DEEP_QUOTES], ids=["typical minutes", "100,000 '>'"])
def test_rendering_many_times_does_not_grow_the_process(source):
    cmark.to_html(source, options=OPTIONS, extensions=EXTENSIONS)  # the allocator's pools, warmed
    before = resident_mb()
    for _ in range(RENDERS):
        cmark.to_html(source, options=OPTIONS, extensions=EXTENSIONS)
    # The leaking wrapper grew by ≥ 5 MB a render here, 200 MB in all; freed, it stays flat.
    assert resident_mb() - before < 20


def test_the_output_is_cmarkgfms():
    for source in (corpus.typical(), "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nhttps://example.org\n"):
        expected = cmarkgfm.markdown_to_html_with_extensions(source, options=OPTIONS, extensions=EXTENSIONS)
        assert cmark.to_html(source, options=OPTIONS, extensions=EXTENSIONS) == expected


def test_an_unknown_extension_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        cmark.to_html("x", options=OPTIONS, extensions=["no-such-extension"])
