"""Uploaded files: the size cap and the accepted types, decided by the name AND the
content (jixiao.core.uploads.upload_check). No database."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from jixiao.core.errors import ServiceError
from jixiao.core.uploads import download_content_type, upload_check

MB = 1024 * 1024

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/')</script></body></html>"


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["月份", "销售额"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ServiceError) as caught:
        upload_check(upload(name, content))
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("考勤证明.pdf", pdf_bytes()),
        ("scan.PNG", png_bytes()),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100),
        ("anim.gif", b"GIF89a" + b"\x00" * 100),
        ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 100),
        ("销售明细.xlsx", xlsx_bytes()),
        ("说明.docx", docx_bytes()),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("note.txt", "客户投诉记录：3 次，响应 < 2 小时\n".encode("gbk")),
        ("data.csv", "姓名,得分\n张三,88\n".encode()),
    ],
)
def test_accepted_files_pass(name: str, content: bytes) -> None:
    file = upload(name, content)
    upload_check(file)
    assert file.read() == content  # left at the start, ready to be stored


def test_svg_with_a_script_is_refused() -> None:
    message = refusal("evidence.svg", SVG_WITH_SCRIPT)
    assert "evidence.svg" in message
    assert ".svg" in message and "not accepted" in message


def test_html_renamed_pdf_is_refused() -> None:
    message = refusal("x.pdf", HTML_PAGE)
    assert "x.pdf" in message and "markup" in message


def test_svg_renamed_png_or_txt_is_refused() -> None:
    assert "markup" in refusal("x.png", SVG_WITH_SCRIPT)
    assert "markup" in refusal("x.txt", SVG_WITH_SCRIPT)
    assert "markup" in refusal("x.csv", b"name,score\n" + HTML_PAGE)


def test_html_files_are_refused_by_name() -> None:
    for name in ("page.html", "page.htm", "page.xhtml", "evil.js", "run.exe", "noextension"):
        assert name in refusal(name, b"hello")


def test_a_pdf_name_on_other_content_is_refused() -> None:
    message = refusal("report.pdf", png_bytes())
    assert "report.pdf" in message and "not a PDF document" in message


def test_an_office_name_on_a_plain_zip_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", HTML_PAGE)
    assert "not an Office document" in refusal("x.docx", buffer.getvalue())
    # An xlsx renamed .docx is not a Word document.
    assert "not an Office document" in refusal("x.docx", xlsx_bytes())


def test_binary_named_txt_is_refused() -> None:
    assert "not plain text" in refusal("x.txt", b"\x00\x01\x02binary\xff\xfe")


def test_21_mb_is_refused_naming_the_cap() -> None:
    message = refusal("big.pdf", (b"%PDF-1.4\n" + b"0" * (21 * MB))[: 21 * MB])
    assert "big.pdf" in message
    assert "21 MB" in message and "20 MB" in message


@override_settings(JIXIAO_UPLOAD_MAX_BYTES=1 * MB)
def test_the_cap_is_a_setting() -> None:
    assert "1 MB" in refusal("a.pdf", b"%PDF-1.4\n" + b"0" * (2 * MB))


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal("a.pdf", b"")


def test_the_refusal_is_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        message = refusal("证据.svg", SVG_WITH_SCRIPT)
        big = refusal("big.pdf", b"%PDF-1.4\n" + b"0" * (21 * MB))
    assert "证据.svg" in message and "不" in message
    assert "20 MB" in big and "文件" in big


def test_stored_files_are_sent_with_their_type_or_as_bytes() -> None:
    assert download_content_type("appeals/2026/09/a.pdf") == "application/pdf"
    assert download_content_type("evidence/x.svg") == "application/octet-stream"
    assert download_content_type("evidence/x.html") == "application/octet-stream"
