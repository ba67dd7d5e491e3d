"""The property-based run of the whole API from its own OpenAPI document
(schemathesis). Slow, so it runs only when asked: `.ci/run` sets
JIXIAO_API_FUZZ=1 after the normal suites; `pytest` alone skips it."""

from __future__ import annotations

import os
from typing import Any

import pytest

if os.environ.get("JIXIAO_API_FUZZ") != "1":
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """A small company, an open cycle with some facts, and an HR token, once."""
    from tests.api_fuzz.seed import seed

    with django_db_blocker.unblock():
        seed()
    return django_db_setup
