"""Password strength rules (ASVS 2.1.1, 2.1.7): length, the common ones, runs, the person's own."""
import pytest

from meetings.domain.passwords import Weakness, weakness

PERSONAL = ("zhangsan", "张三丰", "zhang.san@example.org")


@pytest.mark.parametrize(("password", "why"), [
    ("short-pass1", Weakness.TOO_SHORT),  # 11 characters
    ("x" * 129, Weakness.TOO_LONG),
    ("aaaaaaaaaaaa", Weakness.MONOTONOUS), ("abababababab", Weakness.MONOTONOUS),
    ("abcabcabcabc", Weakness.MONOTONOUS),
    ("1234567890ab", Weakness.COMMON), ("123456789012", Weakness.COMMON),
    ("098765432109", Weakness.COMMON), ("qwertyuiop12", Weakness.COMMON),
    ("1qaz2wsx3edc", Weakness.COMMON), ("password1234", Weakness.COMMON),
    ("Password!2026", Weakness.COMMON), ("woaini131400", Weakness.COMMON),
    ("dangyuan2026!", Weakness.COMMON), ("1a2b1a2b1a2b", Weakness.COMMON),
    # found by the outside review
    ("abc123abc123", Weakness.COMMON), ("qwe123qwe123", Weakness.COMMON),
    ("passwordpassword", Weakness.COMMON), ("P@ssw0rd1234", Weakness.COMMON),
    ("Passw0rd!2024", Weakness.COMMON), ("!QAZ2wsx#EDC", Weakness.COMMON), ("qazwsxedcrfv", Weakness.COMMON),
    ("zhangsan2026xx", Weakness.PERSONAL), ("ZhangSan-2026!", Weakness.PERSONAL),
    ("我是张三丰的密码呀好长好长", Weakness.PERSONAL), ("mail-zhang-2026-ok", Weakness.PERSONAL),
])
def test_refused(password, why):
    assert weakness(password, personal=PERSONAL) is why


@pytest.mark.parametrize("password", [
    "correct horse battery", "Tk9-vq2#Lm0p", "每周三下午两点准时学习党章", "my-branch-meets-1st",
    "晚上八点支部学习开始-ok",
])
def test_accepted(password):
    assert weakness(password, personal=PERSONAL) is None


def test_no_personal_words_means_only_the_general_rules():
    assert weakness("zhangsan2026xx") is None
    assert weakness("zhangsan2026xx", personal=(None, "", "a")) is None  # too short to count


def test_a_long_password_is_checked_quickly():
    import time
    started = time.process_time()  # CPU time: a shared CI machine may deschedule us
    weakness("1234567890" * 12 + "abcdefgh", personal=PERSONAL)
    assert time.process_time() - started < 0.05
