"""Downloads of uploaded files: an event's evidence and an appeal's evidence.

Nothing under MEDIA_ROOT is served by URL; a file goes out only here, to whoever
may see the event or the appeal (jixiao.appraisals.access), as an attachment under
its own name (RFC 5987 for Chinese names), with a fixed content type and
`X-Content-Type-Options: nosniff`, so the browser never renders it on the site's
origin. Anyone else, and a file that is missing, gets the same 404 as a missing
object."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from jixiao.appraisals.access import appeals_visible_to, events_visible_to
from jixiao.core.uploads import display_name, download_content_type


@login_required
@require_safe
def event_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence of a fact record: the appraisee, their managers, the item's data
    owner, the cycle's committee, HR and the auditor."""
    event = events_visible_to(request.user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return attachment(event.evidence)


@login_required
@require_safe
def appeal_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence of an appeal: the appellant, the cycle's committee, HR and the
    auditor (not the managers, whose ratings may be what is appealed)."""
    appeal = appeals_visible_to(request.user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return attachment(appeal.evidence)


def attachment(stored: FieldFile) -> FileResponse:
    """The stored file as a download that the browser saves and never renders."""
    if not stored:
        raise Http404
    name = display_name(stored.name)
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=download_content_type(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway: no scripts, no requests, no page of the site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
