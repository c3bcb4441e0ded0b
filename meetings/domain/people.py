"""Checking and normalizing what people type about members (forms and roster imports)."""
import re

from email_validator import EmailNotValidError, validate_email

from meetings.domain.terms import PersonCategory, PersonStatus

# 11-digit mainland mobile, or a landline with area code (010-12345678, 0571 8888 8888).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
LOGIN = re.compile(r"^[A-Za-z0-9._-]{2,60}$")

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


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """NUL, bidi overrides and other invisible controls: never wanted in a name or note.

    They break exports and spreadsheets, can disguise text (U+202E), and PostgreSQL
    refuses NUL outright. Newlines and tabs are fine in multi-line fields.
    """
    allowed = "\r\n\t" if multiline else ""
    for ch in text:
        if ch in allowed:
            continue
        if ord(ch) < 32 or ord(ch) == 127 or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069:
            return True
    return False
