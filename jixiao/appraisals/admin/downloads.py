"""Uploaded files in the admin: shown as a link to the access-checked download
(jixiao.portal.views.files), never to MEDIA_ROOT, which is not served by URL."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jixiao.core.uploads import display_name


def download_link(stored: FieldFile, url_name: str, pk: int) -> SafeString | str:
    """A link to the download of the object's file (by its own name), or "-"."""
    if not stored:
        return "-"
    return format_html(
        '<a href="{}">{}</a>', reverse(url_name, args=[pk]), display_name(stored.name)
    )
