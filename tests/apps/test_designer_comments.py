"""A document's YAML comments and the designer: PyYAML (the project's YAML library) does
not keep comments, so a save from the designer writes the document without them; the
designer page says so before HR saves a form whose document has comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jixiao.designer.comments import has_comments
from jixiao.schemes.services import scheme_save
from tests.apps.factories import PASSWORD

DEMO = Path(__file__).resolve().parents[2] / "jixiao" / "demo" / "schemes"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: 1\n", False),
        ("# a note\na: 1\n", True),
        ("a: 1  # a note\n", True),
        ("a: [1, 2] # a note\n", True),
        ('a: "x # y"\n', False),
        ("a: 'x # y'\n", False),
        ("a: x#y\n", False),
        ("a: |\n  x # y\nb: 1\n", False),
        ("a: >-\n  long\n  # part of the text\n", False),
        ("a: [1\n# unreadable\n", True),
    ],
)
def test_a_comment_is_told_from_a_hash_inside_a_value(text: str, found: bool) -> None:
    assert has_comments(text) is found


COMMENTED = (DEMO / "fin-manager.scheme.yaml").read_text(encoding="utf-8")
NOTICE = "注释不会保留"


def page(user: Any, code: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/hr/designer/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_designer_says_before_saving_that_comments_are_not_kept(hr: Any) -> None:
    assert has_comments(COMMENTED)
    version = scheme_save(actor=hr, text=COMMENTED)
    shown = page(hr, version.scheme.code)
    assert NOTICE in shown and 'id="designer-comments-lost"' in shown
    bare = "".join(line for line in COMMENTED.splitlines(keepends=True) if "#" not in line)
    assert not has_comments(bare)
    scheme_save(actor=hr, text=bare, scheme=version.scheme, comment="去掉注释")
    assert NOTICE not in page(hr, version.scheme.code)
