"""Real, tiny files of every kind an attachment may be — and of kinds it must never be.

Built by hand or with the encoders the project has (zlib, zipfile, openpyxl): no Pillow here.
"""
import base64
import functools
import io
import struct
import zipfile
import zlib

import openpyxl


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid red RGB PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A valid baseline JPEG: one 8×8 grey block (DC 0, then end-of-block), JFIF header."""
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\x00" + b"\x01" * 64
    frame = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1 standing for symbol 0
    huffman = b"\x00" + one_code + b"\x10" + one_code  # DC table 0, AC table 0
    scan = b"\x01\x01\x00\x00\x3f\x00"
    return (b"\xff\xd8" + segment(0xE0, jfif) + segment(0xDB, quant) + segment(0xC0, frame)
            + segment(0xC4, huffman) + segment(0xDA, scan) + b"\x3f" + b"\xff\xd9")


GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")  # 1×1 lossless


def pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def xlsx() -> bytes:
    """A workbook written by openpyxl."""
    book = openpyxl.Workbook()
    book.active.append(["姓名", "签到"])
    book.active.append(["张书记", "√"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                 '</Types>')


def ooxml(part: str, body: str = "<document/>", extra: dict | None = None) -> bytes:
    """A minimal docx (``word/document.xml``) or pptx (``ppt/presentation.xml``) package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, body)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    return ooxml("word/document.xml", "<w:document>决议</w:document>")


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml", "<p:presentation/>")


def compound(stream: str) -> bytes:
    """A legacy Office (OLE2) file: the header, and a directory entry naming its main stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header = header.ljust(512, b"\x00")
    name = (stream + "\0").encode("utf-16-le").ljust(64, b"\x00")
    entry = name + struct.pack("<H", len(stream) * 2 + 2) + b"\x02"
    return header + entry.ljust(128, b"\x00") * 4


@functools.cache  # ~1.5 s to deflate 200 MB: build each bomb once per run
def zip_bomb(size: int = 200 * 1024 * 1024, part: str = "word/document.xml") -> bytes:
    """An Office-looking zip whose one part inflates to ``size`` zeros (≈200 KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open(part, "w", force_zip64=True) as stream:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                stream.write(block)
    return out.getvalue()


def many_parts(count: int) -> bytes:
    """An Office-looking zip with ``count`` tiny parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(count):
            archive.writestr(f"xl/p{i}.xml", b"")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SHELL = b"#!/bin/sh\nrm -rf ~\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
