"""Uploaded files (evidence of an event, an appeal's evidence): what may be stored.

`upload_check(upload)` refuses a file that is larger than the cap
(`JIXIAO_UPLOAD_MAX_BYTES`, 20 MB by default) or is not one of the accepted types:
PDF, images (PNG, JPEG, GIF, WebP), Office, WPS and OpenDocument documents, plain
text and CSV. The type is decided by the name's extension AND by the content (its
first bytes, the parts of a zip, or for text: that it decodes and holds no markup),
so an SVG or a web page renamed `x.pdf` is refused.

`upload_store(field=..., upload=...)` writes an accepted file only when the
transaction commits: the row gets the file's name at once, the file follows the
commit, so a refused or rolled-back write leaves no file behind.

Nothing is ever served from MEDIA_ROOT by URL; files go out only through
access-checked views, as attachments (`download_content_type` gives the type they
are sent with).
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.errors import ServiceError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
# How much of a file is read to recognise it (a text file is read whole).
_HEAD_BYTES = 8192

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

# Markup that a browser would render as a page or an image with scripts.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|\?xml|!\[cdata\[|html|head|body|script|svg|iframe|frame|object|embed"
    rb"|meta|link|style|base|form|img|math|xsl|a\s)",
    re.IGNORECASE,
)
# Control characters that plain text does not hold (tab, newlines and form feed aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# What `upload_check` takes: Django's UploadedFile, or any File with a name.
Upload: TypeAlias = "File[Any]"


@dataclass(frozen=True)
class _Kind:
    label: object  # lazy translation: "a PDF document"
    content_type: str


_PDF = _Kind(gettext_lazy("a PDF document"), "application/pdf")
_PNG = _Kind(gettext_lazy("a PNG image"), "image/png")
_JPEG = _Kind(gettext_lazy("a JPEG image"), "image/jpeg")
_GIF = _Kind(gettext_lazy("a GIF image"), "image/gif")
_WEBP = _Kind(gettext_lazy("a WebP image"), "image/webp")
_OFFICE_OLD = gettext_lazy("an Office or WPS document")
_OFFICE = gettext_lazy("an Office document")
_OPEN_DOCUMENT = gettext_lazy("an OpenDocument document")
_TEXT = gettext_lazy("plain text")

# extension -> (what it must be, the content type it is sent with)
_KINDS: dict[str, _Kind] = {
    "pdf": _PDF,
    "png": _PNG,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": _GIF,
    "webp": _WEBP,
    "doc": _Kind(_OFFICE_OLD, "application/msword"),
    "xls": _Kind(_OFFICE_OLD, "application/vnd.ms-excel"),
    "ppt": _Kind(_OFFICE_OLD, "application/vnd.ms-powerpoint"),
    "wps": _Kind(_OFFICE_OLD, "application/vnd.ms-works"),
    "et": _Kind(_OFFICE_OLD, "application/vnd.ms-excel"),
    "dps": _Kind(_OFFICE_OLD, "application/vnd.ms-powerpoint"),
    "docx": _Kind(
        _OFFICE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": _Kind(_OFFICE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": _Kind(
        _OFFICE, "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    "odt": _Kind(_OPEN_DOCUMENT, "application/vnd.oasis.opendocument.text"),
    "ods": _Kind(_OPEN_DOCUMENT, "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": _Kind(_OPEN_DOCUMENT, "application/vnd.oasis.opendocument.presentation"),
    "txt": _Kind(_TEXT, "text/plain; charset=utf-8"),
    "csv": _Kind(_TEXT, "text/csv; charset=utf-8"),
}
# The part a zip-based Office document must hold, by extension.
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


# For a file input's `accept`: the browser offers these first (the server decides).
ACCEPT = ",".join(f".{extension}" for extension in _KINDS)


def max_bytes() -> int:
    """The largest file accepted (setting `JIXIAO_UPLOAD_MAX_BYTES`)."""
    return int(getattr(settings, "JIXIAO_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def accepted_types() -> str:
    """The accepted types, in words, for a refusal or a form's help text."""
    return _(
        "PDF, images (PNG, JPEG, GIF, WebP), Office, WPS and OpenDocument documents, "
        "plain text and CSV"
    )


def upload_check(upload: Upload) -> None:
    """Refuse (ServiceError, in the reader's language, naming the file) an upload
    that is too large, empty, or not an accepted type by its name and its content."""
    name = display_name(upload.name)
    size = upload.size
    limit = max_bytes()
    if size > limit:
        raise ServiceError(
            _("The file “%(name)s” is %(size)s MB; files up to %(limit)s MB can be uploaded.")
            % {"name": name, "size": megabytes(size), "limit": megabytes(limit)}
        )
    if size == 0:
        raise ServiceError(_("The file “%(name)s” is empty.") % {"name": name})
    extension = _extension(name)
    kind = _KINDS.get(extension)
    if kind is None:
        raise ServiceError(
            _(
                "The file “%(name)s” cannot be uploaded: files of type “%(extension)s” "
                "are not accepted. Accepted are %(accepted)s."
            )
            % {
                "name": name,
                "extension": f".{extension}" if extension else _("(no extension)"),
                "accepted": accepted_types(),
            }
        )
    try:
        upload.seek(0)
        head = upload.read(_HEAD_BYTES)
        if kind.label is _TEXT:
            content = _read_all(upload)
            text = _decode(content)
            if text is not None and _CONTROL.search(text) is None:
                if _MARKUP.search(content) is None:
                    return
                raise _markup_refused(name)
        else:
            if _matches(extension, head, upload):
                return
            if _is_markup(head):
                raise _markup_refused(name)
    finally:
        upload.seek(0)
    if kind.label is _TEXT:
        raise ServiceError(
            _(
                "The file “%(name)s” cannot be uploaded: it is not plain text "
                "(UTF-8 or GBK) as its name “.%(extension)s” says."
            )
            % {"name": name, "extension": extension}
        )
    raise ServiceError(
        _(
            "The file “%(name)s” cannot be uploaded: its name ends in “.%(extension)s” "
            "but its content is not %(kind)s."
        )
        % {"name": name, "extension": extension, "kind": kind.label}
    )


def upload_store(*, field: FieldFile, upload: Upload) -> None:
    """Store `upload` (checked again here) as the file of `field` (e.g. `event.evidence`)
    when the current transaction commits. The name is reserved now, so the row saved
    in the transaction and its audit event carry it; should another file take that
    name before the commit, the row is pointed at the name the file got."""
    upload_check(upload)
    instance, storage = field.instance, field.storage
    model_field = field.field
    # A folder of its own keeps the file under the name it was sent with (a download
    # is saved under it) and makes the path one nobody can guess.
    folder = secrets.token_hex(6)
    name = storage.get_available_name(
        model_field.generate_filename(instance, f"{folder}/{display_name(upload.name)}"),
        max_length=model_field.max_length,
    )
    field.name = name

    def write() -> None:
        stored = storage.save(name, upload, max_length=model_field.max_length)
        if stored != name:
            type(instance)._default_manager.filter(pk=instance.pk).update(
                **{model_field.attname: stored}
            )
            setattr(instance, model_field.attname, stored)

    transaction.on_commit(write)


def download_content_type(name: str) -> str:
    """The content type a stored file is sent with: its accepted type, or
    `application/octet-stream` for anything else (files stored before the check)."""
    kind = _KINDS.get(_extension(name))
    return kind.content_type if kind is not None else "application/octet-stream"


def display_name(name: str | None) -> str:
    """The file's own name, without a directory, as shown in a message or a download."""
    base = os.path.basename((name or "").replace("\\", "/"))
    return base or _("(no name)")


def _extension(name: str) -> str:
    _root, dot_extension = os.path.splitext(name)
    return dot_extension[1:].lower()


def megabytes(size: int) -> str:
    """A size in MB as a person reads it: 20, 20.5."""
    value = size / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _is_markup(head: bytes) -> bool:
    """Whether the start of a file is a text holding markup (a page, an SVG, XML);
    UTF-16 markup would hide behind NUL bytes, so they are dropped first."""
    text = _decode(head.replace(b"\x00", b""), partial=True)
    return (
        text is not None
        and _CONTROL.search(text) is None
        and _MARKUP.search(head.replace(b"\x00", b"")) is not None
    )


def _matches(extension: str, head: bytes, upload: Upload) -> bool:
    if extension == "pdf":
        return head.lstrip(b" \t\r\n").startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in ("doc", "xls", "ppt", "wps", "et", "dps"):
        return head.startswith(_OLE2)
    if extension in _OOXML_PART or extension in _ODF_MIMETYPE:
        return head.startswith(_ZIP) and _zip_matches(extension, upload)
    return False


def _zip_matches(extension: str, upload: Upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension in _OOXML_PART:
                part = _OOXML_PART[extension]
                return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
                return False
            return archive.read("mimetype").strip() == _ODF_MIMETYPE[extension]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return False


def _markup_refused(name: str) -> ServiceError:
    return ServiceError(
        _(
            "The file “%(name)s” cannot be uploaded: it holds web page markup "
            "(HTML, SVG or XML), which is not accepted."
        )
        % {"name": name}
    )


def _read_all(upload: Upload) -> bytes:
    upload.seek(0)
    chunks = []
    while chunk := upload.read(1024 * 1024):
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(content: bytes, *, partial: bool = False) -> str | None:
    """The text in UTF-8 or GBK (GB 18030), or None. `partial`: the bytes are the
    start of a file, so a character cut at the end is not an error."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return decoder.decode(content, final=not partial)
        except UnicodeDecodeError:
            continue
    return None
