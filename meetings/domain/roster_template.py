"""The blank roster workbook secretaries download, fill in and import (党员名册模板.xlsx)."""
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from meetings.domain.roster_import import COLUMN, EXAMPLE, MAX_ROWS, category_words, status_words

WIDTHS = {"name": 12, "category": 14, "status": 18, "party_group": 16, "phone": 16,
          "email": 26, "joined_party_on": 14, "login": 14, "note": 30}
TEXT_COLUMNS = ("phone", "login")  # typed as text so Excel keeps leading zeros and long digits


def template_workbook(party_groups: list[str] | None = None) -> bytes:
    """Sheet 党员名册 (Chinese headers + one sample row) and sheet 说明 (allowed values)."""
    groups = list(party_groups or [])
    book = Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    _roster_sheet(sheet, groups)
    _help_sheet(book.create_sheet("说明"), groups)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _roster_sheet(sheet, groups: list[str]) -> None:
    keys = list(COLUMN)
    _append(sheet, [COLUMN[k] for k in keys])
    sample = {"category": category_words()[0], "status": status_words()[0],
              "party_group": groups[0] if groups else "", "phone": "13800138000",
              "joined_party_on": date(2010, 7, 1), "note": "示例行，导入前请删除", **EXAMPLE}
    _append(sheet, [sample.get(k, "") for k in keys])
    for index, key in enumerate(keys, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = WIDTHS[key]
        if key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
        if key == "joined_party_on":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    _dropdowns(sheet, keys, groups)


def _dropdowns(sheet, keys: list[str], groups: list[str]) -> None:
    """In-cell lists for 类别, 状态 and 党小组 (Excel caps a list at 255 characters)."""
    lists = {"category": category_words(), "status": status_words(), "party_group": groups}
    for key, values in lists.items():
        formula = '"' + ",".join(values) + '"'
        if not values or len(formula) > 255 or any("," in v or '"' in v for v in values):
            continue
        letter = sheet.cell(row=1, column=keys.index(key) + 1).column_letter
        check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(check)


def _help_sheet(sheet, groups: list[str]) -> None:
    lines = [
        ["填写说明"],
        ["每行一名党员，第一行是表头，请勿修改表头；只有“姓名”必填。第 2 行是示例，导入前请删除。"],
        ["类别留空即为正式党员；状态留空即为正常。"],
        ["入党日期写成 2020-07-01、2020/7/1 或 2020年7月1日。"],
        ["用户名可留空；填写时只能包含字母、数字、点、横线和下划线，且不能与已有用户重复。"],
        [f"一次最多导入 {MAX_ROWS} 名党员。"],
        [],
        ["类别可填", *category_words()],
        ["状态可填", *status_words()],
        ["本支部党小组", *(groups or ["（暂无，党小组一列请留空）"])],
    ]
    for line in lines:
        _append(sheet, line)
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 16


def _append(sheet, values: list) -> None:
    """Add a row; text stays text even when a party group's name starts with ``=``."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
