"""Checking a roster file row by row before anything is written: pure, no Flask, no session.

``read_roster`` finds the header and the data rows; ``validate`` checks each row against
the branch's party groups and the logins already taken. Messages are Chinese message ids
(marked with ``N_``): the web layer passes ``message`` and ``params`` through ``gettext``,
the CLI prints ``text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from meetings.domain import people
from meetings.domain.messages import N_, Problem
from meetings.domain.spreadsheet import Row, UnreadableFile, cell_text, parse_date, read_table
from meetings.domain.terms import PersonCategory, PersonStatus

MAX_ROWS = 2000  # members per file; a branch rarely has more than a few hundred
HEADER_SEARCH = 10  # a title line or two may sit above the header row
NAME_MAX, NOTE_MAX = 60, 200

# Field → header names secretaries use; the first is the template's and the error's column.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "党员姓名"),
    "category": ("类别", "党员类别", "人员类别", "身份"),
    "status": ("状态", "党员状态"),
    "party_group": ("党小组", "所在党小组", "所属党小组", "小组"),
    "phone": ("手机", "手机号码", "手机号", "联系电话", "电话"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail"),
    "joined_party_on": ("入党日期", "入党时间"),
    "login": ("用户名", "登录名", "账号", "登录账号"),
    "note": ("备注",),
}
COLUMN = {key: names[0] for key, names in HEADERS.items()}
EXAMPLE = {"name": "张三", "login": "zhangsan", "email": "zhangsan@example.org"}  # the template's sample row
_HEADER_LOOKUP = {n.lower(): key for key, names in HEADERS.items() for n in names}
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[(（][^)）]*[)）]")


@dataclass(frozen=True)
class RowError(Problem):
    """A problem at spreadsheet row ``row`` (header = 1; 0 = the file as a whole)."""

    row: int
    column: str
    message: str
    params: dict = field(default_factory=dict, compare=False)


@dataclass
class ImportRow:
    """One data row: the cells as written (for the preview) and, when valid, the member."""

    row: int
    cells: dict[str, str]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    fields: dict[str, Any] | None = None
    errors: list[RowError] = field(default_factory=list)
    duplicate: bool = False  # the member is on the roster already: reported, not added again


@dataclass
class ImportResult:
    """Every row of the file and every error; importable only when ``errors`` is empty."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def file_errors(self) -> list[RowError]:
        """Errors about the file or its header rather than one member."""
        data_rows = {r.row for r in self.rows}
        return [e for e in self.errors if e.row not in data_rows]

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def new_rows(self) -> list[ImportRow]:
        """The rows that would add someone (the file's duplicates of the roster left out)."""
        return [r for r in self.rows if not r.duplicate]


def identity_keys(name: str, phone: str | None, email: str | None) -> set[tuple]:
    """What says "the same person" for an import: the name with the phone, or with the email;
    the name alone only when the row gives neither (a re-import of a names-only file)."""
    keys = {("phone", name, phone)} if phone else set()
    if email:
        keys.add(("email", name, email.lower()))
    return keys or {("name", name)}


def mark_duplicates(result: ImportResult, existing: list[tuple[str, str | None, str | None]]) -> None:
    """Flag valid rows naming someone already on the roster (``existing`` = name, phone, email),
    or someone an earlier row of the file names: importing the same file twice adds no one."""
    known: set[tuple] = set()
    for name, phone, email in existing:
        known |= identity_keys(name, phone, email) | {("name", name)}
    for row in result.rows:
        if row.fields is None:
            continue
        keys = identity_keys(row.fields["name"], row.fields.get("phone"), row.fields.get("email"))
        row.duplicate = bool(keys & known)
        known |= keys


def header_key(text: str) -> str | None:
    """The field a header cell names (姓名 → name), tolerating spaces, ``*`` and notes in brackets."""
    return _HEADER_LOOKUP.get(_HEADER_NOISE.sub("", text).lower())


def find_header(table: list[Row]) -> tuple[int, dict[int, str], list[RowError]]:
    """(header row number, column index → field, header errors); needs a 姓名 column."""
    for number, cells in table[:HEADER_SEARCH]:
        columns: dict[int, str] = {}
        errors = []
        for index, value in enumerate(cells):
            key = header_key(cell_text(value))
            if key in columns.values():
                message = N_("表头“%(column)s”出现了不止一列，请只保留一列。")
                errors.append(RowError(number, COLUMN[key], message, {"column": cell_text(value)}))
            elif key is not None:
                columns[index] = key
        if "name" in columns.values():
            return number, columns, errors
    raise UnreadableFile(N_("没有找到“姓名”列：第一行应为表头，如 姓名、类别、党小组、手机、邮箱。"))


# ---- rows -------------------------------------------------------------------------------


def read_roster(filename: str, data: bytes) -> ImportResult:
    """The file's non-blank data rows with their cells, and any file or header errors."""
    try:
        table = read_table(filename, data)
        header_row, columns, errors = find_header(table)
    except UnreadableFile as error:
        return ImportResult(errors=[RowError(0, "", error.message, error.params)])
    rows = []
    for number, cells in table:
        if number <= header_row:
            continue
        raw = {key: cells[i] for i, key in columns.items() if i < len(cells)}
        text = {key: cell_text(raw.get(key)) for key in HEADERS}
        if any(text.values()):
            rows.append(ImportRow(number, text, raw=raw))
    if not rows:
        errors.append(RowError(0, "", N_("文件中没有党员数据：表头下面都是空行。")))
    elif len(rows) > MAX_ROWS:
        return ImportResult(errors=[RowError(0, "", N_("一次最多导入 %(limit)s 名党员，请分批导入。"),
                                             {"limit": MAX_ROWS})])
    return ImportResult(rows=rows, errors=errors)


def logins_in(result: ImportResult) -> set[str]:
    """Logins the file asks for (to look up which are taken)."""
    return {r.cells["login"] for r in result.rows if r.cells["login"]}


@dataclass
class _Context:
    groups: dict[str, int]
    taken: set[str]
    today: date | None
    seen: dict[str, int] = field(default_factory=dict)  # login → first row using it


def validate(result: ImportResult, *, groups: dict[str, int], taken_logins: set[str],
             today: date | None = None) -> ImportResult:
    """Check every row; valid rows get ``fields`` (the keyword arguments of a member)."""
    context = _Context({name.strip(): gid for name, gid in groups.items()}, taken_logins, today)
    for row in result.rows:
        fields = {}
        for key, check in CHECKS.items():
            value, problem = check(row, context)
            if problem:
                row.errors.append(RowError(row.row, COLUMN[key], *problem))
            fields[key] = value
        if _is_example(row):
            row.errors.append(RowError(row.row, COLUMN["name"], N_("这是模板里的示例行，请删除后再导入。")))
        row.fields = None if row.errors else _member(fields)
        result.errors.extend(row.errors)
    return result


def check_roster(filename: str, data: bytes, *, groups: dict[str, int], taken_logins: set[str],
                 today: date | None = None) -> ImportResult:
    """Read and validate in one go (``taken_logins`` must cover the file's logins)."""
    return validate(read_roster(filename, data), groups=groups, taken_logins=taken_logins, today=today)


def _member(fields: dict) -> dict[str, Any]:
    member = dict(fields)
    member["party_group_id"] = member.pop("party_group")
    return member


def _is_example(row: ImportRow) -> bool:
    return all(row.cells[key] == value for key, value in EXAMPLE.items())


Problem = tuple[str, dict] | None


def _name(row: ImportRow, ctx: _Context) -> tuple[str | None, Problem]:
    name = people.clean_name(row.cells["name"])
    if not name:
        return None, (N_("请填写姓名。"), {})
    if len(name) > NAME_MAX:
        return None, (N_("姓名不能超过 60 个字。"), {})
    if people.has_control_characters(name):
        return None, (N_("包含不可见的控制字符，请删除后重新输入。"), {})
    return name, None


def _category(row: ImportRow, ctx: _Context) -> tuple[PersonCategory | None, Problem]:
    text = row.cells["category"]
    if not text:
        return PersonCategory.FULL, None
    value = people.parse_category(text)
    if value is None:
        return None, (N_("无法识别的类别“%(value)s”，可填：%(allowed)s。"),
                      {"value": text, "allowed": "、".join(category_words())})
    return value, None


def _status(row: ImportRow, ctx: _Context) -> tuple[PersonStatus | None, Problem]:
    text = row.cells["status"]
    value = people.parse_status(text)
    if value is None:
        return None, (N_("无法识别的状态“%(value)s”，可填：%(allowed)s。"),
                      {"value": text, "allowed": "、".join(status_words())})
    return value, None


def _party_group(row: ImportRow, ctx: _Context) -> tuple[int | None, Problem]:
    text = row.cells["party_group"]
    if not text:
        return None, None
    if text in ctx.groups:
        return ctx.groups[text], None
    if not ctx.groups:
        return None, (N_("本支部还没有党小组“%(value)s”，请留空或先建立党小组。"), {"value": text})
    return None, (N_("本支部没有党小组“%(value)s”，现有：%(allowed)s。"),
                  {"value": text, "allowed": "、".join(ctx.groups)})


def _phone(row: ImportRow, ctx: _Context) -> tuple[str | None, Problem]:
    phone = people.normalize_phone(row.cells["phone"])
    if phone and not people.is_valid_phone(phone):
        return None, (N_("手机号码“%(value)s”格式不正确（11 位手机号或带区号的座机）。"),
                      {"value": row.cells["phone"]})
    return phone, None


def _email(row: ImportRow, ctx: _Context) -> tuple[str | None, Problem]:
    email = people.normalize_email(row.cells["email"])
    if email and not people.is_valid_email(email):
        return None, (N_("邮箱地址“%(value)s”格式不正确。"), {"value": email})
    return email, None


def _login(row: ImportRow, ctx: _Context) -> tuple[str | None, Problem]:
    login = row.cells["login"] or None
    if login is None:
        return None, None
    if not people.is_valid_login(login):
        return None, (N_("用户名只能包含字母、数字、点、横线和下划线，2 到 60 个字符。"), {})
    if login in ctx.seen:
        return None, (N_("用户名“%(login)s”与第 %(row)s 行重复。"), {"login": login, "row": ctx.seen[login]})
    ctx.seen[login] = row.row
    if login in ctx.taken:
        return None, (N_("用户名“%(login)s”已被使用。"), {"login": login})
    return login, None


def _joined(row: ImportRow, ctx: _Context) -> tuple[date | None, Problem]:
    text = row.cells["joined_party_on"]
    if not text:
        return None, None
    value = parse_date(row.raw.get("joined_party_on"), text)
    if value is None:
        return None, (N_("入党日期“%(value)s”无法识别，请写成 2020-07-01、2020/7/1 或 2020年7月1日。"),
                      {"value": text})
    if problem := people.joined_problem(value, ctx.today):
        return None, (problem, {})
    return value, None


def _note(row: ImportRow, ctx: _Context) -> tuple[str | None, Problem]:
    note = row.cells["note"] or None
    if note and len(note) > NOTE_MAX:
        return None, (N_("备注不能超过 200 个字。"), {})
    if note and people.has_control_characters(note):
        return None, (N_("包含不可见的控制字符，请删除后重新输入。"), {})
    return note, None


CHECKS = {"name": _name, "category": _category, "status": _status, "party_group": _party_group,
          "phone": _phone, "email": _email, "joined_party_on": _joined, "login": _login, "note": _note}


def category_words() -> list[str]:
    """What the 类别 column accepts, as the template lists it."""
    return [words[0] for words in people.CATEGORY_WORDS.values()]


def status_words() -> list[str]:
    """What the 状态 column accepts (blank means 正常)."""
    return [words[0] for words in people.STATUS_WORDS.values()]
