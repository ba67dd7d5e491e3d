"""WSGI entry point (`gunicorn config.wsgi`)."""

from __future__ import annotations

import contextlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()


def _warm() -> None:
    """Import the URLconf (the API's schemas with it) and build its reverse tables
    and translation catalogues for each language while the process starts, not in
    its first request: that request took 0.5–1.6 s (issue 11, HR home's p95) on this
    2-core machine, and every web process pays it again after `--max-requests`."""
    from django.conf import settings
    from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
    from django.utils import translation

    def build(resolver: URLResolver, namespace: str) -> None:
        # reversing a name in a namespace builds that namespace's tables
        name = next((key for key in resolver.reverse_dict if isinstance(key, str)), None)
        if name is not None:
            # a name that needs arguments raises, its tables built all the same
            with contextlib.suppress(NoReverseMatch):
                reverse(f"{namespace}{name}")
        for key, (_prefix, inner) in resolver.namespace_dict.items():
            build(inner, f"{namespace}{key}:")

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            build(get_resolver(), "")


_warm()
