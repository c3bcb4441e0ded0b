"""Password strength (口令强度): the rules of ASVS 2.1.1 and 2.1.7, without any network.

Length is what protects a password; composition rules are not asked for (ASVS 2.1.9). What is
refused is what an attacker tries first: the passwords everybody uses, keyboard and digit
runs, one character over and over, and the person's own login or name.
"""
from __future__ import annotations

import enum
import re

MIN_LENGTH = 12
MAX_LENGTH = 128

# Roots of the most common passwords (international lists and Chinese ones); a password whose
# letters, without the digits and signs around them, are one of these is refused.
COMMON_ROOTS = frozenset(
    """
password passw0rd passwd pass admin administrator root user login welcome letmein monkey dragon
master qwerty qwertyuiop asdfgh asdfghjkl zxcvbn zxcvbnm iloveyou iloveu trustno football
baseball sunshine princess shadow superman batman michael jennifer secret changeme default test
guest abc abcd abcdef abcdefg abcdefgh qazwsx qwe qweasd qweasdzxc aaa aa woaini woaiwojia
woainima wodemima mima mimamima zhongguo china beijing shanghai dangyuan dangjian dangzhibu
zhibu gongchandang dang party orglife zuzhishenghuo huiyi qq wangyi baidu taobao weixin wechat
alipay
""".split()  # noqa: SIM905 (a word list reads better than 90 quoted strings)
)

SEQUENCES = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "zaq1xsw2cde3vfr4bgt5nhy6mju7",
             "qazwsxedcrfvtgbyhnujmikolp", "1q2w3e4r5t6y7u8i9o0p")
# Shifted digits are the digits (!QAZ2wsx is 1qaz2wsx); look-alikes are letters (P@ssw0rd).
UNSHIFT = str.maketrans("!@#$%^&*()", "1234567890")
LOOK_ALIKES = str.maketrans("@0134$57", "aoieasst")


class Weakness(enum.Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    MONOTONOUS = "monotonous"
    PERSONAL = "personal"


def weakness(password: str, *, personal: tuple[str | None, ...] = ()) -> Weakness | None:
    """Why ``password`` is refused, or None when it is acceptable.

    ``personal``: the login, name and e-mail of the person it is for; a password holding any
    of them (3 characters or more, or a 2-character Chinese name) is refused.
    """
    if len(password) < MIN_LENGTH:
        return Weakness.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return Weakness.TOO_LONG
    lowered = password.lower()
    if len(set(lowered)) < 4:
        return Weakness.MONOTONOUS
    if _is_common(lowered):
        return Weakness.COMMON
    if any(word in lowered for word in _personal_words(personal)):
        return Weakness.PERSONAL
    return None


def _is_common(lowered: str) -> bool:
    if re.sub(r"[^a-z]", "", lowered) in COMMON_ROOTS or _core(lowered) in COMMON_ROOTS:
        return True
    # What is left once the runs are taken out is what an attacker still has to guess.
    unshifted = lowered.translate(UNSHIFT)
    return len(set(_without_runs(unshifted))) < 4 or _repeats_a_piece(lowered)


def _core(lowered: str) -> str:
    """The word inside ``P@ssw0rd!2024``: the ends' digits and signs dropped, look-alikes read."""
    middle = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    return re.sub(r"[^a-z]", "", middle.translate(LOOK_ALIKES))


def _without_runs(text: str, shortest: int = 4) -> str:
    """``text`` with every digit, alphabet or keyboard run of ``shortest`` or more removed."""
    kept, i = [], 0
    while i < len(text):
        end = max((j for j in range(i + shortest, len(text) + 1) if _is_run(text[i:j])), default=None)
        if end is None:
            kept.append(text[i])
            i += 1
        else:
            i = end
    return "".join(kept)


def _is_run(text: str) -> bool:
    """Inside a digit, alphabet or keyboard run, forwards or backwards."""
    return bool(text) and any(text in seq or text in seq[::-1] for seq in SEQUENCES)


def _repeats_a_piece(lowered: str) -> bool:
    """``abcabcabcabc``, ``passwordpassword``: the whole password is one piece, repeated."""
    return any(len(lowered) % size == 0 and lowered == lowered[:size] * (len(lowered) // size)
               for size in range(1, len(lowered) // 2 + 1))


def _personal_words(personal: tuple[str | None, ...]) -> list[str]:
    words = []
    for item in personal:
        for part in re.split(r"[@\s.]+", (item or "").lower()):
            if len(part) >= 3 or (len(part) == 2 and not part.isascii()):
                words.append(part)
    return words
