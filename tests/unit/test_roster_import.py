"""Reading and checking roster files: plain bytes in, rows and row-numbered errors out."""
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from meetings.domain import roster_import
from meetings.domain.roster_import import MAX_ROWS, check_roster, header_key
from meetings.domain.roster_template import template_workbook
from meetings.domain.spreadsheet import decode_text
from meetings.domain.terms import PersonCategory, PersonStatus

GROUPS = {"第一党小组": 11, "第二党小组": 12}
HEADER = "姓名,类别,状态,党小组,手机,邮箱,入党日期,用户名,备注"
TODAY = date(2026, 7, 1)


def csv_bytes(*lines: str, encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(data: bytes, filename: str = "名册.csv", taken: set[str] = frozenset()):
    return check_roster(filename, data, groups=GROUPS, taken_logins=set(taken), today=TODAY)


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_a_good_csv_row_becomes_a_member():
    line = "张三,预备党员,流动,第二党小组,138 0013 8000, zs@example.org ,2020/7/1,zhangsan,调入"
    result = check(csv_bytes(line))
    assert result.ok
    assert result.rows[0].fields == {
        "name": "张三", "category": PersonCategory.PROBATIONARY, "status": PersonStatus.AWAY,
        "party_group_id": 12, "phone": "13800138000", "email": "zs@example.org",
        "joined_party_on": date(2020, 7, 1), "login": "zhangsan", "note": "调入"}


def test_blank_category_and_status_mean_full_member_and_active():
    fields = check(csv_bytes("李四,,,,,,,,")).rows[0].fields
    assert fields["category"] == PersonCategory.FULL
    assert fields["status"] == PersonStatus.ACTIVE
    assert fields["party_group_id"] is None and fields["login"] is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_chinese_excel_writes(encoding):
    result = check(csv_bytes("王五,正式党员,,第一党小组,,,,,", encoding=encoding))
    assert result.ok
    assert result.rows[0].cells["name"] == "王五"
    assert result.rows[0].fields["party_group_id"] == 11


def test_gbk_is_decoded_not_mistaken_for_utf8():
    assert decode_text("姓名,党小组".encode("gbk")) == "姓名,党小组"


@pytest.mark.parametrize(("cell", "column", "message"), [
    (",,,,,,,,只有备注", "姓名", "请填写姓名。"),
    ("赵" * 61 + ",,,,,,,,", "姓名", "姓名不能超过 60 个字。"),
    ("张三,,,,,not-an-email,,,", "邮箱", "邮箱地址“%(value)s”格式不正确。"),
    ("张三,,,,12345,,,,", "手机", "手机号码“%(value)s”格式不正确（11 位手机号或带区号的座机）。"),
    ("张三,,,第九党小组,,,,,", "党小组", "本支部没有党小组“%(value)s”，现有：%(allowed)s。"),
    ("张三,团员,,,,,,,", "类别", "无法识别的类别“%(value)s”，可填：%(allowed)s。"),
    ("张三,,出差,,,,,,", "状态", "无法识别的状态“%(value)s”，可填：%(allowed)s。"),
    ("张三,,,,,,2020-13-01,,", "入党日期",
     "入党日期“%(value)s”无法识别，请写成 2020-07-01、2020/7/1 或 2020年7月1日。"),
    ("张三,,,,,,1900-01-01,,", "入党日期", "入党日期不能早于 1921 年。"),
    ("张三,,,,,,2030-01-01,,", "入党日期", "入党日期不能晚于今天。"),
    ("张三,,,,,,,zhang san,", "用户名", "用户名只能包含字母、数字、点、横线和下划线，2 到 60 个字符。"),
    ("张三,,,,,,,," + "备" * 201, "备注", "备注不能超过 200 个字。"),
])
def test_each_bad_cell_is_reported_on_its_row_and_column(cell, column, message):
    result = check(csv_bytes("李四,,,,,,,,", cell))
    error = only_error(result)
    assert (error.row, error.column, error.message) == (3, column, message)
    assert not result.ok and result.rows[1].fields is None
    assert result.rows[0].fields is not None  # the good row is still parsed, just not imported


def test_error_text_names_the_offending_value():
    error = only_error(check(csv_bytes("张三,,,第九党小组,,,,,")))
    assert error.text == "本支部没有党小组“第九党小组”，现有：第一党小组、第二党小组。"


def test_login_already_taken_is_an_error():
    error = only_error(check(csv_bytes("张三,,,,,,,secretary,"), taken={"secretary"}))
    assert error.text == "用户名“secretary”已被使用。"


def test_the_same_login_twice_in_the_file_points_at_the_first_row():
    result = check(csv_bytes("张三,,,,,,,zs,", "李四,,,,,,,other,", "张三丰,,,,,,,zs,"))
    error = only_error(result)
    assert (error.row, error.text) == (4, "用户名“zs”与第 2 行重复。")


def test_several_errors_in_one_row_are_all_reported():
    result = check(csv_bytes(",团员,,,123,bad,,,"))
    assert {e.column for e in result.errors} == {"姓名", "类别", "手机", "邮箱"}
    assert {e.row for e in result.errors} == {2}


@pytest.mark.parametrize("text", ["2020-07-01", "2020/7/1", "2020.7.1", "2020年7月1日", "20200701"])
def test_dates_in_the_ways_people_write_them(text):
    assert check(csv_bytes(f"张三,,,,,,{text},,")).rows[0].fields["joined_party_on"] == date(2020, 7, 1)


def test_blank_rows_are_skipped_but_row_numbers_stay_true():
    result = check(csv_bytes("张三,,,,,,,,", ",,,,,,,,", "", "李四,,,,,bad,,,"))
    assert [r.row for r in result.rows] == [2, 5]
    assert only_error(result).row == 5


def test_header_synonyms_spaces_and_marks_are_understood():
    header = " 姓名* ,党员类别,所在党小组,手机号码,电子邮箱,登录名,入党时间（年月日）,备注"
    result = check(csv_bytes("张三,预备党员,第一党小组,13800138000,a@b.cn,zs,2020-07-01,x", header=header))
    assert result.ok
    fields = result.rows[0].fields
    assert (fields["login"], fields["email"], fields["party_group_id"]) == ("zs", "a@b.cn", 11)
    assert [header_key(h) for h in ("电话", "Email", "账号")] == ["phone", "email", "login"]


def test_a_title_line_above_the_header_is_allowed():
    result = check(csv_bytes("姓名,手机", "张三,13800138000", header="办公室党支部党员名册,"))
    assert result.ok and result.rows[0].row == 3


def test_missing_name_column_is_a_file_error():
    error = only_error(check(csv_bytes("13800138000", header="手机")))
    assert error.row == 0 and "姓名" in error.text


def test_a_column_given_twice_is_a_header_error():
    error = only_error(check(csv_bytes("张三,13800138000,13900139000", header="姓名,手机,手机号码")))
    assert (error.row, error.column) == (1, "手机")


def test_unknown_columns_are_ignored():
    assert check(csv_bytes("张三,男,1980", header="姓名,性别,出生年份")).ok


def test_header_only_file_has_nothing_to_import():
    result = check(csv_bytes())
    assert not result.ok and only_error(result).row == 0


def test_too_many_rows_is_refused_with_the_limit():
    lines = [f"党员{i}" for i in range(MAX_ROWS + 1)]
    error = only_error(check(csv_bytes(*lines, header="姓名")))
    assert error.params == {"limit": MAX_ROWS}


def test_real_xlsx_with_excel_dates_and_numeric_phones():
    data = xlsx_bytes(HEADER.split(","),
                      ["张三", "正式党员", None, "第一党小组", 13800138000.0, None,
                       datetime(2020, 7, 1), None, None],
                      [None] * 9,
                      ["李四", None, None, None, 13900139000, None, 43983, "lisi", None])
    result = check(data, "名册.xlsx")
    assert result.ok, result.errors
    first, second = (r.fields for r in result.rows)
    assert (first["phone"], first["joined_party_on"]) == ("13800138000", date(2020, 7, 1))
    assert (second["phone"], second["joined_party_on"]) == ("13900139000", date(2020, 6, 1))
    assert [r.row for r in result.rows] == [2, 4]
    assert result.rows[0].cells["joined_party_on"] == "2020-07-01"


def test_xlsx_errors_carry_spreadsheet_row_numbers():
    data = xlsx_bytes(["姓名", "邮箱"], ["张三", "a@b.cn"], ["李四", "oops"])
    error = only_error(check(data, "名册.xlsx"))
    assert (error.row, error.column) == (3, "邮箱")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4


@pytest.mark.parametrize(("filename", "data"), [
    ("photo.csv", PNG),
    ("名册.xlsx", PNG),
    ("名册.xlsx", b"PK\x03\x04 this is not a zip"),
    ("名册.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"),
    ("名册.csv", b""),
    ("名册.csv", bytes([0xFF, 0xFF, 0x81, 0x30]) * 50),
])
def test_garbage_gives_a_clear_message_not_an_exception(filename, data):
    result = check(data, filename)
    error = only_error(result)
    assert error.row == 0 and not result.rows
    assert error.text.endswith("。")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert only_error(check(out.getvalue(), "名册.xlsx")).row == 0


def test_the_template_has_chinese_headers_a_help_sheet_and_the_groups():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(["第一党小组", "第二党小组"])))
    assert book.sheetnames == ["党员名册", "说明"]
    headers = [c.value for c in book["党员名册"][1]]
    assert headers[:3] == ["姓名", "类别", "状态"] and "用户名" in headers
    help_rows = {row[0]: row[1:] for row in book["说明"].iter_rows(values_only=True) if row[0]}
    assert help_rows["本支部党小组"][:2] == ("第一党小组", "第二党小组")
    assert "预备党员" in help_rows["类别可填"]


def test_the_template_sample_row_must_be_deleted_before_import():
    result = check(template_workbook(["第一党小组"]), "党员名册模板.xlsx")
    error = only_error(result)
    assert (error.row, error.message) == (2, "这是模板里的示例行，请删除后再导入。")


def test_allowed_words_come_from_the_people_module():
    assert roster_import.category_words() == ["正式党员", "预备党员", "非党员工作人员"]
    assert roster_import.status_words()[0] == "正常"
