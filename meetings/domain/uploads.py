"""Checking an uploaded file (附件) by its content, not its name; pure, no Flask, no database.

Allowed: images (JPEG, PNG, GIF, WebP), PDF, Office documents (docx/xlsx/pptx and the legacy
doc/xls/ppt). Everything else — programs, scripts, HTML, SVG, plain zips — is refused
whatever it is called. OOXML files are zips: their table of contents is read from memory,
never extracted, and refused when it promises too much (a zip bomb). Error messages are
Chinese message ids marked with ``N_``; the service translates them.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from meetings.domain.messages import N_, Problem

MAX_UNPACKED = 100 * 1024 * 1024  # declared size of all parts of an Office file
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # deflate of real XML stays well below; zeros reach ~1000
RATIO_FLOOR = 1024 * 1024  # small parts cannot hurt, whatever their ratio
NAME_LENGTH = 100
FALLBACK_NAME = "附件"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
               b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
# Characters that hide or disguise text (bidi overrides, zero-width) or break paths.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
RESERVED = re.compile(r'[<>:"|?*]')  # Windows refuses these in a file name
EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
EDGES = re.compile(r"^[\s.]+|[\s.]+$")  # leading dots hide a file; trailing ones vex Windows
TRAVERSAL = re.compile(r"(^|[\\/])\.\.([\\/]|$)")  # "../": no browser sends that by itself

NOT_ALLOWED = N_("“%(name)s”不是允许的文件类型。只能上传图片（JPG、PNG、GIF、WebP）、PDF 或 "
                 "Office 文档（Word、Excel、PowerPoint）。")
MISMATCH = N_("“%(name)s”的内容与扩展名不符，请上传原始文件。")
EXECUTABLE = N_("“%(name)s”是程序或脚本，不能作为附件上传。")
EMPTY = N_("“%(name)s”是空文件，请重新选择。")
TOO_BIG = N_("“%(name)s”超过了 %(limit)s MB 的大小限制。")
BOMB = N_("“%(name)s”解压后过大或包含的文件过多（疑似压缩炸弹），不能上传。")
MACROS = N_("“%(name)s”含有宏，不能上传。请另存为不含宏的文档后再上传。")
PATH = N_("“%(name)s”的文件名含有“../”这样的路径，不能上传。请重命名后再试。")
DAMAGED = N_("“%(name)s”已损坏或不是完整的 Office 文档，请检查后重新上传。")


@dataclass(frozen=True)
class FileType:
    """One kind of content we accept: its MIME type and the extensions that fit it."""

    code: str
    mime: str
    extensions: tuple[str, ...]
    image: bool = False

    @property
    def fits(self) -> tuple[str, ...]:
        """Extensions a file of this content may carry (any image name fits any image)."""
        return IMAGE_EXTENSIONS if self.image else self.extensions


JPEG = FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), image=True)
PNG = FileType("png", "image/png", ("png",), image=True)
GIF = FileType("gif", "image/gif", ("gif",), image=True)
WEBP = FileType("webp", "image/webp", ("webp",), image=True)
PDF = FileType("pdf", "application/pdf", ("pdf",))
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileType("docx", _OOXML + "wordprocessingml.document", ("docx",))
XLSX = FileType("xlsx", _OOXML + "spreadsheetml.sheet", ("xlsx",))
PPTX = FileType("pptx", _OOXML + "presentationml.presentation", ("pptx",))
DOC = FileType("doc", "application/msword", ("doc",))
XLS = FileType("xls", "application/vnd.ms-excel", ("xls",))
PPT = FileType("ppt", "application/vnd.ms-powerpoint", ("ppt",))

TYPES = (JPEG, PNG, GIF, WEBP, PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT)
IMAGE_EXTENSIONS = tuple(e for t in TYPES if t.image for e in t.extensions)
ALL_EXTENSIONS = tuple(e for t in TYPES for e in t.extensions)
IMAGE_TYPES = frozenset(t.mime for t in TYPES if t.image)
ACCEPT = ",".join("." + e for e in ALL_EXTENSIONS)  # for <input type=file accept=…>
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"GIF87a", GIF),
              (b"GIF89a", GIF), (b"%PDF-", PDF))
OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
# Stream names in a compound file's directory (UTF-16LE, NUL-terminated) tell Word from Excel.
OLE_STREAMS = ((DOC, ("WordDocument",)), (XLS, ("Workbook", "Book")), (PPT, ("PowerPoint Document",)))


@dataclass(frozen=True)
class UploadProblem(Problem):
    """Why a file is refused: a message id and its values."""

    message: str
    params: dict = field(default_factory=dict, compare=False)


class UploadRefused(ValueError):
    """The file may not be stored; ``problem`` says why."""

    def __init__(self, problem: UploadProblem):
        super().__init__(problem.text)
        self.problem = problem


@dataclass(frozen=True)
class Accepted:
    """A file that passed: the name to keep and what its content really is."""

    filename: str
    file_type: FileType


def check(filename: str, data: bytes, *, limit: int) -> Accepted:
    """Accept ``data`` named ``filename`` or raise :class:`UploadRefused`; ``limit`` in bytes."""
    name = safe_filename(filename)
    if TRAVERSAL.search(filename or ""):
        raise _refused(PATH, name)
    if not data:
        raise _refused(EMPTY, name)
    if len(data) > limit:
        raise _refused(TOO_BIG, name, limit=_megabytes(limit))
    if data.startswith(EXECUTABLES):
        raise _refused(EXECUTABLE, name)
    ext = extension(name)
    file_type = sniff(data, name)
    if file_type is None:
        raise _refused(MISMATCH if ext in ALL_EXTENSIONS else NOT_ALLOWED, name)
    if not ext:  # a name without an extension gets the one its content deserves
        return Accepted(_trim(name, "." + file_type.extensions[0]), file_type)
    if ext not in file_type.fits:
        raise _refused(MISMATCH, name)
    return Accepted(name, file_type)


def sniff(data: bytes, name: str = "") -> FileType | None:
    """What the bytes are, from their first bytes (and an Office file's parts); None if unknown."""
    for signature, file_type in SIGNATURES:
        if data.startswith(signature):
            return file_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(OLE2):
        return _compound_type(data, extension(name))
    if data.startswith(ZIP):
        return _ooxml_type(data, name)
    return None


def _compound_type(data: bytes, ext: str) -> FileType | None:
    """Legacy Office: the type whose stream the file holds and whose extension the name has."""
    found = [t for t, streams in OLE_STREAMS
             if any((s + "\0").encode("utf-16-le") in data for s in streams)]
    return next((t for t in found if ext in t.extensions), found[0] if found else None)


def _ooxml_type(data: bytes, name: str) -> FileType | None:
    """docx/xlsx/pptx by their parts; refuses zip bombs and macros, None for other zips."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError) as error:
        raise _refused(DAMAGED, name) from error
    if _is_bomb(entries):
        raise _refused(BOMB, name)
    names = [e.filename for e in entries]
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refused(MACROS, name)
    return next((t for prefix, t in OOXML_PARTS if any(n.startswith(prefix) for n in names)), None)


def _is_bomb(entries: list[zipfile.ZipInfo]) -> bool:
    """Too many parts, too much promised in total, or a part inflating absurdly."""
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        return True
    return any(e.file_size > RATIO_FLOOR and e.file_size > MAX_RATIO * max(e.compress_size, 1)
               for e in entries)


def safe_filename(name: str) -> str:
    """A name safe to store and show: no folders, invisible or control characters, ≤ 100 chars."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)
    base = RESERVED.sub("_", base).strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot or not EXTENSION.fullmatch(suffix):
        stem, suffix = base, ""
    ext = "." + suffix if suffix else ""
    return _trim(EDGES.sub("", stem) or FALLBACK_NAME, ext)


def _trim(stem: str, ext: str) -> str:
    return EDGES.sub("", stem[:NAME_LENGTH - len(ext)]) + ext


def extension(name: str) -> str:
    """The lower-case extension of a cleaned name, without the dot ("" when there is none)."""
    stem, dot, suffix = name.rpartition(".")
    return suffix.lower() if dot and stem and EXTENSION.fullmatch(suffix) else ""


def human_size(size: int) -> str:
    """"812 B", "34.5 KB", "2.1 MB" (binary units, as the limit is counted)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _megabytes(limit: int) -> str:
    value = limit / 1024 / 1024
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def _refused(message: str, name: str, **params) -> UploadRefused:
    return UploadRefused(UploadProblem(message, {"name": name, **params}))
