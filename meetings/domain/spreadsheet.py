"""Reading the first sheet of an uploaded .xlsx or .csv into rows of cells, safely.

CSV from Chinese Excel is often GBK; we accept UTF-8 (with or without BOM), GB18030 (a
superset of GBK) and UTF-16 with a BOM (Excel's "Unicode text"). Anything else is refused
with a message, never an exception the user sees.
"""
import csv
import io
import re
import warnings
import zipfile
from datetime import date, datetime

import openpyxl
from openpyxl.utils.datetime import from_excel

from meetings.domain.messages import N_

# Rows read (blank ones included) before giving up: a roster holds at most 2,000 members, so
# reading on to row 50,000 only kept a worker busy (22 s) before saying no.
MAX_PHYSICAL_ROWS = 5_000
MAX_FILE_BYTES = 2 * 1024 * 1024  # 2,000 members are ~200 KB in .xlsx, ~300 KB in CSV
MAX_COLUMNS = 60
MAX_UNZIPPED = 30 * 1024 * 1024  # an .xlsx that inflates beyond this is refused
Row = tuple[int, list]  # (spreadsheet row number, cells)

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NOT_XLSX = N_("文件不是有效的 Excel（.xlsx）文件，请确认文件没有损坏。")


class UnreadableFile(ValueError):
    """The file cannot be read as a table; ``message`` % ``params`` says why, in Chinese."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def read_table(filename: str, data: bytes) -> list[Row]:
    """Every row of the file's first sheet, numbered as the spreadsheet shows them."""
    if not data:
        raise UnreadableFile(N_("文件是空的。"))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            N_("文件过大（超过 %(mb)s MB），名册文件通常只有几百 KB，请删除多余内容或分批导入。"),
            mb=MAX_FILE_BYTES // (1024 * 1024))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(N_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile(_NOT_XLSX)
    return _read_csv(decode_text(data))


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-16 with BOM, else UTF-8 (BOM or not), else GB18030/GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise UnreadableFile(N_("无法识别文件内容，请上传 Excel（.xlsx）文件或 UTF-8 / GBK 编码的 CSV 文件。"))


def _looks_binary(text: str) -> bool:
    """Images and other binaries often decode as GB18030; their control characters give them away."""
    sample = text[:4000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return "\x00" in text or control > len(sample) // 100


def _read_csv(text: str) -> list[Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(N_("CSV 文件格式有误：%(detail)s"), detail=str(error)) from error
    return _capped(enumerate(rows, start=1))


def _read_xlsx(data: bytes) -> list[Row]:
    _check_zip(data)
    # openpyxl warns about features it ignores (data validation, styles); they don't matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = book.worksheets[0].iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
                return _capped(enumerate(rows, start=1))
            finally:
                book.close()
        except UnreadableFile:
            raise
        except Exception as error:  # a malformed workbook can fail in many ways deep inside openpyxl
            raise UnreadableFile(_NOT_XLSX) from error


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(_NOT_XLSX) from error
    if size > MAX_UNZIPPED:
        raise UnreadableFile(N_("Excel 文件内容过大，请分批导入。"))


def _capped(rows) -> list[Row]:
    taken = []
    for number, cells in rows:
        if number > MAX_PHYSICAL_ROWS:
            raise UnreadableFile(N_("文件行数过多（超过 %(limit)s 行），请删除多余的空行或分批导入。"),
                                 limit=MAX_PHYSICAL_ROWS)
        taken.append((number, list(cells)))
    return taken


def cell_text(value) -> str:
    """A cell as text: whole-number floats lose ``.0`` (phones), dates become 2020-07-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    # A leading apostrophe is how spreadsheets (and formula-safe exports) force text.
    return str(value).strip().removeprefix("'").strip()


def parse_date(raw, text: str) -> date | None:
    """An Excel date cell or serial number, 2020-07-01, 2020/7/1, 2020.7.1, 2020年7月1日, 20200701."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 < raw < 2958466:
            return from_excel(raw).date()
    except (ValueError, OverflowError):
        return None
    return None
