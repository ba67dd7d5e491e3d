"""Shared test fixtures: where the specification's examples are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples on every run, so a red build is
# reproducible and never depends on the luck of the draw; locally they explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"


@pytest.fixture(scope="session")
def examples() -> Path:
    if not EXAMPLES.is_dir():
        pytest.fail(f"the specification's examples are not at {EXAMPLES}")
    return EXAMPLES
