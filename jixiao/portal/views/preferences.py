"""Each person's notification preferences: e-mail or not, and the kinds not wanted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.accounts.models import User
from jixiao.notices.events import KINDS
from jixiao.notices.models import NoticePreference
from jixiao.notices.services import preference_set


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        wanted = set(request.POST.getlist("kind"))
        preference_set(
            user=request.user,
            email=request.POST.get("email") == "on",
            muted=[kind for kind in KINDS if kind not in wanted],
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("portal:notice_preferences")
    user = request.user
    assert isinstance(user, User)  # login_required
    stored = NoticePreference.objects.filter(user=user).first()
    muted = set(stored.muted) if stored else set()
    kinds = [(kind, label, kind not in muted) for kind, label in KINDS.items()]
    email = stored.email if stored else True
    return render(
        request,
        "portal/notice_preferences.html",
        {"kinds": kinds, "email": email, "address": user.email},
    )
