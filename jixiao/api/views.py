"""The token page (/tokens/): one's API tokens — made (the secret shown once, on the
answer to the form), listed with their expiry, revoked. HR and the auditor see every
token; HR revokes any. Service tokens are made through the API (docs/api.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.api.access import can_manage_token, tokens_visible_to
from jixiao.api.forms import PersonalTokenForm
from jixiao.api.services import token_create, token_revoke
from jixiao.core import roles
from jixiao.core.errors import NotAllowed, ServiceError


def _page(request: HttpRequest, form: PersonalTokenForm, **extra: object) -> HttpResponse:
    tokens = tokens_visible_to(request.user).select_related("user", "revoked_by")
    now = timezone.now()
    rows = [
        {
            "token": token,
            "expired": token.is_expired(now),
            "can_revoke": not token.is_revoked and can_manage_token(request.user, token),
        }
        for token in tokens
    ]
    context = {"form": form, "rows": rows, **extra}
    return render(request, "api/tokens.html", context, status=200)


@login_required(login_url="login")
def token_list(request: HttpRequest) -> HttpResponse:
    if not roles.is_active_user(request.user):
        raise Http404
    if request.method != "POST":
        return _page(request, PersonalTokenForm())
    form = PersonalTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        token, secret = token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except ServiceError as error:
        form.add_error("expires_on", error.message)
        return _page(request, form)
    return _page(request, PersonalTokenForm(), made=token, secret=secret)


@login_required(login_url="login")
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("tokens:list")
    token = tokens_visible_to(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    try:
        token_revoke(token=token, actor=request.user, reason=request.POST.get("reason", ""))
    except NotAllowed:
        raise Http404 from None
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("tokens:list")
