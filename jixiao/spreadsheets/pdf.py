"""PDF from a workbook through LibreOffice (`soffice --headless --convert-to pdf`),
when the server has it. Without LibreOffice, or when the conversion fails, the
PDF is refused with a message saying so; the .xlsx always works."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from jixiao.core.errors import ServiceError

TIMEOUT_SECONDS = 120


class PdfUnavailable(ServiceError):
    """No PDF can be made here; the workbook can still be downloaded."""


def office_binary() -> str | None:
    configured = getattr(settings, "JIXIAO_LIBREOFFICE", None)
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("libreoffice") or shutil.which("soffice")


def pdf_available() -> bool:
    return office_binary() is not None


def pdf_from_xlsx(data: bytes, *, stem: str = "form") -> bytes:
    binary = office_binary()
    if binary is None:
        raise PdfUnavailable(
            _("PDF needs LibreOffice on the server, which is not installed; download the .xlsx")
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as work:
        folder = Path(work)
        source = folder / f"{stem}.xlsx"
        source.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired):
            raise PdfUnavailable(
                _("LibreOffice could not make the PDF; download the .xlsx")
            ) from None
        target = folder / f"{stem}.pdf"
        if not target.is_file():
            raise PdfUnavailable(_("LibreOffice could not make the PDF; download the .xlsx"))
        return target.read_bytes()
