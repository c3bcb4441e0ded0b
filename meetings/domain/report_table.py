"""The 通报 table (completion by branch) as plain rows, written to XLSX or CSV.

Cells that a spreadsheet would run as a formula (= + - @, and tab/CR that Excel strips
first) are written as text with a leading apostrophe: a branch named "=HYPERLINK(…)"
must not become a link in the committee's report.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0%"


def neutralize(value):
    """Text that cannot start a formula; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence], percent_columns: set[int],
            sheet_name: str = "通报") -> bytes:
    """One sheet: a title line, the Chinese header, a row per branch; rates as percentages."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append([neutralize(title)])
    sheet.append([neutralize(h) for h in header])
    for row in rows:
        sheet.append([neutralize(v) for v in row])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet["A1"].font = Font(bold=True, size=14)
    for index in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index + 1, max_col=index + 1):
            cell.number_format = PERCENT
    for index, width in enumerate(_widths(header, rows), start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Rough column widths: CJK characters are about two Latin ones wide."""
    def width(value) -> int:
        text = "" if value is None else str(value)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    columns = list(zip(header, *rows, strict=False)) if rows else [(h,) for h in header]
    return [min(40, max(6, max(width(v) for v in column) + 2)) for column in columns]


def to_csv(header: Sequence[str], rows: Sequence[Sequence], percent_columns: set[int]) -> bytes:
    """UTF-8 with a BOM, which Chinese Excel needs to open it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v, i in percent_columns) for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value, percent: bool):
    if value is None:
        return ""
    if percent and isinstance(value, float):
        return f"{value * 100:.1f}%"
    return neutralize(value)
