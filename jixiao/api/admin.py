"""API tokens and idempotency keys in the admin: read-only. Tokens are created and
revoked through the services (the API, the web), so each change is audited and a
secret is never shown again; HR and the auditor see them all."""

from __future__ import annotations

from django.contrib import admin

from jixiao.api.models import IdempotencyKey, Token
from jixiao.core.admin import ReadOnlyAdmin


@admin.register(Token)
class TokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("name", "prefix", "user__username")
    exclude = ("digest",)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("key", "user", "token", "outcome", "created_at")
    list_filter = ("outcome",)
    search_fields = ("key",)
