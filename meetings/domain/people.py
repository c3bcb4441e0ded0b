"""Checking and normalizing what people type about members (forms and roster imports)."""
import re
import unicodedata
from datetime import date

from email_validator import EmailNotValidError, validate_email

from meetings.domain.messages import N_
from meetings.domain.terms import PersonCategory, PersonStatus

# 11-digit mainland mobile, or a landline with area code (010-12345678, 0571 8888 8888).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
LOGIN = re.compile(r"^[A-Za-z0-9._-]{2,60}$")
FIRST_JOIN_YEAR = 1921  # the Party was founded in 1921

# Words secretaries actually write in their Excel sheets, mapped to categories.
CATEGORY_WORDS = {
    PersonCategory.FULL: ("正式党员", "正式", "党员", "full"),
    PersonCategory.PROBATIONARY: ("预备党员", "预备", "probationary"),
    PersonCategory.STAFF: ("非党员工作人员", "非党员", "工作人员", "群众", "staff"),
}
STATUS_WORDS = {
    PersonStatus.ACTIVE: ("正常", "在册", "", "active"),
    PersonStatus.AWAY: ("流动党员", "流动", "外出", "away"),
    PersonStatus.EXEMPT: ("年老体弱免于参加", "年老体弱", "免于参加", "exempt"),
    PersonStatus.TRANSFERRED_OUT: ("已转出", "转出", "transferred_out"),
}


# Letters that draw nothing: Hangul fillers and the braille blank pass for a name that looks empty.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
JOINERS = frozenset("\u200c\u200d")  # ZWNJ and ZWJ: emoji sequences (👨‍👩‍👧) and some scripts need them


def _is_bidi_control(ch: str) -> bool:
    return "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"


def clean_name(raw: str | None) -> str:
    """A name (person, unit, meeting) as stored: what shows, and nothing that does not.

    Invisible format characters (U+200B, U+FEFF, U+2060, LRM/RLM…) and blank letters are
    dropped, and so are combining marks and joiners with no letter to attach to; spaces
    collapse to one. A name of nothing visible thus comes out empty. Bidi embeddings,
    overrides and isolates are kept, for ``has_control_characters`` to refuse with a message.
    """
    text = "".join(ch for ch in raw or "" if ch not in BLANK_LETTERS and (
        unicodedata.category(ch) != "Cf" or ch in JOINERS or _is_bidi_control(ch)))
    text = " ".join(text.split())
    kept = []
    for index, ch in enumerate(text):
        after_letter = bool(kept) and kept[-1] != " "
        if ch in JOINERS and not (after_letter and text[index + 1:index + 2].strip()):
            continue
        if unicodedata.category(ch).startswith("M") and not after_letter:
            continue
        kept.append(ch)
    return "".join(kept)


def normalize_phone(raw: str | None) -> str | None:
    """Digits of a phone number with spaces, dashes and a +86 prefix dropped (None if blank)."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0"):  # Excel stores phone columns as numbers
        text = text[:-2]
    text = re.sub(r"[\s()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    return text or None


def is_valid_phone(phone: str) -> bool:
    """A mainland mobile or landline number, already normalized."""
    return bool(MOBILE.match(phone) or LANDLINE.match(phone))


def normalize_email(raw: str | None) -> str | None:
    """Trimmed address, or None when blank."""
    text = (raw or "").strip()
    return text or None


def is_valid_email(email: str) -> bool:
    """Syntax check only: the intranet cannot look up mail servers."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_valid_login(login: str) -> bool:
    """Letters, digits, dot, dash and underscore; 2–60 characters."""
    return bool(LOGIN.match(login))


def joined_problem(day: date, today: date | None) -> str | None:
    """Why ``day`` cannot be a 入党日期 (a message id), or None; the form and the import share it."""
    if day.year < FIRST_JOIN_YEAR:
        return N_("入党日期不能早于 1921 年。")
    if today is not None and day > today:
        return N_("入党日期不能晚于今天。")
    return None


def _parse(words: dict, raw: str | None):
    text = (raw or "").strip().lower()
    for value, names in words.items():
        if text in (n.lower() for n in names):
            return value
    return None


def parse_category(raw: str | None) -> PersonCategory | None:
    """正式党员 / 预备党员 / 非党员 … → the category, or None if not recognized."""
    if not (raw or "").strip():
        return None
    return _parse(CATEGORY_WORDS, raw)


def parse_status(raw: str | None) -> PersonStatus | None:
    """正常 / 流动 / 年老体弱 / 转出 (blank means 正常) → the status, or None."""
    return _parse(STATUS_WORDS, raw)


_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n"}  # LINE / PARAGRAPH SEPARATOR


def normalize_line_separators(text: str, *, multiline: bool = False) -> str:
    """U+2028/U+2029 as newlines (spaces in a one-line field). They are valid text, but .ics and
    CSV tools that split lines on them see one meeting's place as a second event."""
    for separator, replacement in _LINE_BREAKS.items():
        text = text.replace(separator, replacement if multiline else " ")
    return text


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """NUL, bidi overrides and other invisible controls: never wanted in a name or note.

    They break exports and spreadsheets, can disguise text (U+202E), and PostgreSQL
    refuses NUL outright. Newlines and tabs are fine in multi-line fields.
    """
    allowed = "\r\n\t" if multiline else ""
    for ch in text:
        if ch in allowed:
            continue
        if ord(ch) < 32 or ord(ch) == 127 or _is_bidi_control(ch):
            return True
    return False
