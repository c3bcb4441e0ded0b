"""按拼音排序: the order in which a Chinese reader looks names up.

Code-point order puts 长沙 after 预算 and scatters a list a secretary scans by sound; this key
reads each name as pinyin with tone numbers (pypinyin reads 长沙 as cháng, 重庆 as chóng),
then falls back to the characters so equal readings still sort one way.
"""
from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=50_000)
def reading_key(name: str) -> tuple[tuple[str, ...], str]:
    """Sort key of a name by its reading; letters and digits keep their own order."""
    return tuple(syllable.casefold() for syllable in lazy_pinyin(name, style=Style.TONE3)), name
