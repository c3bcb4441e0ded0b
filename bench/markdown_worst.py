"""The Markdown renderer's worst inputs against a typical text of the same length.

Every stored Markdown text (agenda, minutes, campaign instructions) is rendered again on each
view, so the renderer's cost must be bounded for any input, not only for real minutes. This
renders, in one run, each worst case of ``tests/markdown_corpus.py`` (the inputs that stalled
Python-Markdown or the sanitizer, and the punctuation sweep) at the longest field's length
(100,000 characters), and a typical Chinese minutes text of that length. It prints each case's
best time, its ratio to the typical text, its growth from 50,000 to 200,000 characters (the
renderer reads no more; linear: ≈ 4, quadratic: ≈ 16), and last the worst ratio and growth.
Growth starts at 50,000 because cmark-gfm's time steps up once between 25,000 and 50,000
characters (a cache or allocator threshold: ×3–4 for ×2 length) and is linear either side.
Goals: worst ÷ typical ≤ 10, growth ≤ 6.

    .venv/bin/python -m bench.markdown_worst
"""
import time

from meetings.domain.markdown import MAX_SOURCE, render
from tests import markdown_corpus as corpus

ROUNDS = 7  # best of seven, long and short in turn
SHORT = MAX_SOURCE // 4


def best(source: str) -> float:
    return best_pair(source, source)[0]


def best_pair(long: str, short: str) -> tuple[float, float]:
    """Best times of two renders taken in turn, so both see the same state of the machine (on a
    shared 2-core box one render's time varies by 2× from one second to the next)."""
    times: tuple[list, list] = ([], [])
    for _ in range(ROUNDS):
        for source, kept in ((long, times[0]), (short, times[1])):
            started = time.perf_counter()
            render(source)
            kept.append(time.perf_counter() - started)
    return min(times[0]), min(times[1])


def cases() -> dict:
    """Name → a function of the length that builds the input."""
    built = {name: (lambda n, unit=unit: corpus.text(unit, n)) for name, unit in corpus.KNOWN.items()}
    built["wide table"] = corpus.wide_table
    built.update({name: (lambda n, unit=unit: corpus.text(unit, n)) for name, unit in corpus.sweep().items()})
    return built


def main() -> None:
    floor = best(corpus.typical())
    print(f"typical minutes, {corpus.MAX_LENGTH:,} characters: {floor * 1e3:.1f} ms")
    rows = []
    for name, build in cases().items():
        long = best(build(corpus.MAX_LENGTH))
        longest, short = best_pair(build(MAX_SOURCE), build(SHORT))
        rows.append((long / floor, longest / max(short, 1e-6), long, name))
    rows.sort(reverse=True)
    print(f"{'case':36} {'ms':>8} {'÷ typical':>10} {'growth ×4 length':>17}")
    for ratio, growth, seconds, name in rows[:15]:
        print(f"{name:36} {seconds * 1e3:8.1f} {ratio:10.2f} {growth:17.2f}")
    print(f"cases: {len(rows)} (the 15 slowest above)")
    print("goal: worst/typical ≤ 10.00, growth ≤ 6.00")
    print(f"worst/typical ratio: {rows[0][0]:.2f} ({rows[0][3]})")
    costly = sorted((r for r in rows if r[2] > 0.005), key=lambda r: r[1], reverse=True)
    first_pass = costly[0][1]
    # A render's time depends on what the allocator was left with by the case before; a truly
    # superlinear case stays so when measured again on its own, noise does not.
    built = cases()
    again = [(min(_growth(built[name]) for _ in range(3)), name) for _, _, _, name in costly[:5]]
    growth, name = max(again)
    print(f"worst growth: {growth:.2f} ({name}; cases above 5 ms, the 5 steepest measured again; "
          f"first pass {first_pass:.2f})")


def _growth(build) -> float:
    longest, short = best_pair(build(MAX_SOURCE), build(SHORT))
    return longest / max(short, 1e-6)


if __name__ == "__main__":
    main()
