"""Attachments are judged by their bytes: real files pass, disguised or dangerous ones never do."""
import pytest

from meetings.domain import uploads
from meetings.domain.uploads import UploadRefused, check, human_size, safe_filename, sniff
from tests import file_samples as f

LIMIT = 10 * 1024 * 1024


def refusal(name: str, data: bytes, limit: int = LIMIT) -> str:
    """The message id ``check`` refuses the file with."""
    with pytest.raises(UploadRefused) as caught:
        check(name, data, limit=limit)
    problem = caught.value.problem
    assert problem.params["name"] == safe_filename(name)
    return problem.message


GOOD = [
    ("签到表.jpg", f.jpeg, "image/jpeg"),
    ("现场.JPEG", f.jpeg, "image/jpeg"),
    ("合影.png", f.png, "image/png"),
    ("动图.gif", lambda: f.GIF, "image/gif"),
    ("照片.webp", lambda: f.WEBP, "image/webp"),
    ("决议.pdf", f.pdf, "application/pdf"),
    ("决议.docx", f.docx, uploads.DOCX.mime),
    ("签到表.xlsx", f.xlsx, uploads.XLSX.mime),
    ("党课.pptx", f.pptx, uploads.PPTX.mime),
    ("旧决议.doc", lambda: f.compound("WordDocument"), "application/msword"),
    ("旧名单.xls", lambda: f.compound("Workbook"), "application/vnd.ms-excel"),
    ("旧课件.ppt", lambda: f.compound("PowerPoint Document"), "application/vnd.ms-powerpoint"),
]


@pytest.mark.parametrize(("name", "build", "mime"), GOOD, ids=[g[0] for g in GOOD])
def test_real_files_are_accepted_with_the_mime_type_of_their_content(name, build, mime):
    accepted = check(name, build(), limit=LIMIT)
    assert accepted.file_type.mime == mime
    assert accepted.filename == name


def test_a_png_named_jpg_is_an_image_stored_as_png():
    accepted = check("合影.jpg", f.png(), limit=LIMIT)
    assert accepted.file_type is uploads.PNG
    assert accepted.filename == "合影.jpg"


def test_a_name_without_extension_gets_the_one_of_its_content():
    assert check("scan", f.pdf(), limit=LIMIT).filename == "scan.pdf"
    assert check("", f.jpeg(), limit=LIMIT).filename == "附件.jpg"


DISGUISED = [
    ("renamed exe", "照片.jpg", f.WINDOWS_EXE, uploads.EXECUTABLE),
    ("exe as docx", "决议.docx", f.WINDOWS_EXE, uploads.EXECUTABLE),
    ("exe", "setup.exe", f.WINDOWS_EXE, uploads.EXECUTABLE),
    ("elf as pdf", "决议.pdf", f.ELF, uploads.EXECUTABLE),
    ("shell script as png", "合影.png", f.SHELL, uploads.EXECUTABLE),
    ("html as jpg", "照片.jpg", f.HTML, uploads.MISMATCH),
    ("html", "page.html", f.HTML, uploads.NOT_ALLOWED),
    ("svg", "logo.svg", f.SVG, uploads.NOT_ALLOWED),
    ("svg as png", "logo.png", f.SVG, uploads.MISMATCH),
    ("plain zip", "资料.zip", f.plain_zip(), uploads.NOT_ALLOWED),
    ("plain zip as docx", "决议.docx", f.plain_zip(), uploads.MISMATCH),
    ("pdf as docx", "决议.docx", f.pdf(), uploads.MISMATCH),
    ("docx as xlsx", "名单.xlsx", f.docx(), uploads.MISMATCH),
    ("jpeg as pdf", "决议.pdf", f.jpeg(), uploads.MISMATCH),
    ("image named exe", "photo.jpg.exe", f.jpeg(), uploads.MISMATCH),
    ("word as xls", "名单.xls", f.compound("WordDocument"), uploads.MISMATCH),
    ("compound file of no office kind", "安装包.doc", f.compound("SummaryInformation"),
     uploads.MISMATCH),
    ("text", "说明.txt", "会议纪要".encode(), uploads.NOT_ALLOWED),
    ("garbage zip", "决议.docx", b"PK\x03\x04" + b"\x00" * 200, uploads.DAMAGED),
    ("macros", "决议.docx", f.ooxml("word/document.xml", extra={"word/vbaProject.bin": b"x"}),
     uploads.MACROS),
]


@pytest.mark.parametrize(("name", "data", "message"), [d[1:] for d in DISGUISED],
                         ids=[d[0] for d in DISGUISED])
def test_disguised_or_dangerous_files_are_refused_whatever_their_name(name, data, message):
    assert refusal(name, data) == message


def test_a_zip_bomb_disguised_as_docx_is_refused_without_inflating_it():
    data = f.zip_bomb()
    assert len(data) < 1024 * 1024  # small on disk …
    assert refusal("决议.docx", data) == uploads.BOMB  # … 200 MB once inflated


def test_a_zip_bomb_disguised_as_xlsx_or_jpg_is_refused():
    data = f.zip_bomb(part="xl/worksheets/sheet1.xml")
    assert refusal("签到表.xlsx", data) == uploads.BOMB
    assert refusal("照片.jpg", data) == uploads.BOMB


def test_one_absurdly_compressed_part_is_a_bomb_even_under_the_total():
    data = f.zip_bomb(size=20 * 1024 * 1024)  # 20 MB of zeros from ~20 KB
    assert refusal("决议.docx", data) == uploads.BOMB


def test_too_many_parts_is_a_bomb():
    assert refusal("名单.xlsx", f.many_parts(uploads.MAX_ENTRIES + 1)) == uploads.BOMB


def test_empty_file_is_refused():
    assert refusal("签到表.jpg", b"") == uploads.EMPTY


def test_size_limit_is_a_parameter_and_counted_in_bytes():
    data = f.png(40, 40)
    assert check("合影.png", data, limit=len(data)).file_type is uploads.PNG
    assert refusal("合影.png", data, limit=len(data) - 1) == uploads.TOO_BIG
    with pytest.raises(UploadRefused) as caught:
        check("合影.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * LIMIT, limit=LIMIT)
    assert caught.value.problem.params["limit"] == "10"
    assert "10 MB" in caught.value.problem.text


def test_messages_are_chinese_and_name_the_file():
    with pytest.raises(UploadRefused) as caught:
        check("C:\\下载\\照片.jpg", f.WINDOWS_EXE, limit=LIMIT)
    assert caught.value.problem.text == "“照片.jpg”是程序或脚本，不能作为附件上传。"


@pytest.mark.parametrize("name", ["../照片.jpg", "..\\..\\照片.jpg", "a/../../照片.jpg", ".."])
def test_a_name_climbing_folders_is_refused_even_for_a_good_file(name):
    assert refusal(name, f.jpeg()) == uploads.PATH


@pytest.mark.parametrize("name", ["C:\\Users\\张书记\\照片.jpg", "/home/zhang/照片.jpg", "照片..jpg"])
def test_a_full_path_as_old_browsers_send_it_keeps_only_the_file_name(name):
    assert check(name, f.jpeg(), limit=LIMIT).filename == safe_filename(name)


def test_sniff_reads_only_the_content():
    assert sniff(f.jpeg()) is uploads.JPEG
    assert sniff(f.xlsx()) is uploads.XLSX
    assert sniff(f.HTML) is None
    assert sniff(f.WINDOWS_EXE) is None


NAMES = [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\evil.exe", "evil.exe"),
    ("/var/www/决议.pdf", "决议.pdf"),
    ("C:\\Users\\张书记\\签到表.JPG", "签到表.JPG"),
    ("sign\x00in.jpg", "signin.jpg"),
    ("photo\u202egpj.exe", "photogpj.exe"),  # RTL override would show "photoexe.jpg"
    ("a\u2066b\u2069c.png", "abc.png"),
    ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
    ("tab\tand\nnewline.pdf", "tabandnewline.pdf"),
    (".hidden.jpg", "hidden.jpg"),
    ("...", "附件"),
    (".pdf", "附件.pdf"),
    ("", "附件"),
    ("  会议 照片 .jpg  ", "会议 照片.jpg"),
    ("🎉主题党日合影🇨🇳.jpg", "🎉主题党日合影🇨🇳.jpg"),
    ('a<b>c:d"e|f?g*.png', "a_b_c_d_e_f_g_.png"),
]


@pytest.mark.parametrize(("raw", "safe"), NAMES, ids=[repr(n[0])[:30] for n in NAMES])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_a_very_long_name_is_cut_to_100_characters_keeping_the_extension():
    name = safe_filename("党" * 300 + ".docx")
    assert len(name) == 100 and name.endswith(".docx") and name.startswith("党党")


def test_a_long_name_of_emoji_is_cut_between_characters():
    name = safe_filename("🎉" * 200 + ".jpg")
    assert name == "🎉" * 96 + ".jpg"


def test_human_size():
    assert [human_size(n) for n in (0, 812, 2048, 10 * 1024 * 1024)] == ["0 B", "812 B", "2.0 KB",
                                                                          "10.0 MB"]


def test_accept_lists_every_allowed_extension():
    assert uploads.ACCEPT.split(",") == [".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".docx",
                                         ".xlsx", ".pptx", ".doc", ".xls", ".ppt"]
