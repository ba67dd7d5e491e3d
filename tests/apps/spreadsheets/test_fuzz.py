"""Damaged and hostile workbooks: a clear refusal, never a server error (issue 10).

The app's own exports (the fact-entry template, the roster, the indicator
dictionary, a scheme as the familiar form) are mutated — truncated, bytes
flipped, a part replaced by bad XML, by XML declaring entities (the billion
laughs) or an external entity, re-encoded as UTF-16 or GBK, a part missing, a
`<dimension ref="A1:XFD1048576">`, a sheet inflating far past its size — and
sent through the import services, the upload pages under /spreadsheets/ and
`jixiao import`. Whatever the mutation, the answer is a refusal with a message
(a 4xx page, exit 2 or problems on their cells) or, for a mutation that left the
workbook whole, an ordinary import; never a 500 or a traceback, and a refused
file stores nothing. Hypothesis draws the mutations (a bounded number; the CI
profile in tests/conftest.py derandomizes them).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.appraisals.models import Fact
from jixiao.cli import main
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.organization.models import Employee, Position, Unit
from jixiao.schemes.models import SchemeVersion
from jixiao.spreadsheets import services
from jixiao.spreadsheets.models import ImportBatch
from jixiao.spreadsheets.readers import SpreadsheetRefused
from jixiao.spreadsheets.scheme_form import SETTINGS_SHEET

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b"]>\n"
)
EXTERNAL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
)


# -- the valid exports, and how they are mutated -------------------------------------------
@pytest.fixture
def exports(hr: Any, open_cycle: Any, scheme: SchemeVersion) -> dict[str, bytes]:
    return {
        "facts": services.export_facts_template(cycle=open_cycle, actor=hr),
        "roster": services.export_roster(actor=hr),
        "dictionary": services.export_dictionary(actor=hr),
        "scheme": services.export_scheme_form(version=scheme, actor=hr),
    }


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rebuild(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replaced(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    members = parts(data)
    members[name] = change(members[name])
    return rebuild(members)


def with_entities(xml: bytes) -> bytes:
    """The billion laughs: entities of entities, one of them used in a cell."""
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    body = body.replace(
        b"<sheetData>",
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
        1,
    )
    return LAUGHS + body


def with_external_entity(xml: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    return EXTERNAL + body.replace(
        b"<sheetData>",
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>',
        1,
    )


def encoded(codec: str, label: str) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        text = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml.decode("utf-8"))
        declared = f'<?xml version="1.0" encoding="{label}"?>\n' + text
        return declared.encode(codec, errors="replace")

    return change


def huge_dimension(xml: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml, count=1)


def inflating(xml: bytes) -> bytes:
    """Valid XML that unpacks to 25 MB from a few kilobytes."""
    return xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (25 * 1024 * 1024), 1)


XML_CHANGES: dict[str, Callable[[bytes], bytes]] = {
    "entity expansion": with_entities,
    "external entity": with_external_entity,
    "truncated XML": lambda xml: xml[: len(xml) // 2],
    "mismatched tag": lambda xml: xml.replace(b"</sheetData>", b"</sheetDta>", 1) or xml + b"<",
    "not XML": lambda xml: b"\x00\xff\xfe garbage \x81\x82" * 20,
    "UTF-16": encoded("utf-16", "UTF-16"),
    "GBK": encoded("gbk", "GBK"),
    "declared UTF-8, written GBK": lambda xml: xml.decode("utf-8").encode("gbk", errors="replace"),
    "huge dimension": huge_dimension,
    "empty": lambda xml: b"",
}


def named_cases(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Each hostile change to each XML part of the archive, and damage to the archive."""
    members = parts(data)
    for part in members:
        if not part.endswith((".xml", ".rels")):
            continue
        for label, change in XML_CHANGES.items():
            if part != SHEET and label == "huge dimension":
                continue
            yield f"{part}: {label}", replaced(data, part, change)
        yield f"{part}: missing", rebuild({k: v for k, v in members.items() if k != part})
    yield "truncated archive", data[: len(data) * 2 // 3]
    yield "an archive of nothing", rebuild({})


# -- what is stored, and how a refusal is recognised -----------------------------------------
def stored() -> tuple[int, ...]:
    """What an import could write (a facts import's job records its own asking and
    failing in the audit log: those are not the import's writes)."""
    return (
        AuditEvent.objects.exclude(action__startswith="job.").count(),
        *(
            model.objects.count()
            for model in (
                ImportBatch,
                Fact,
                Unit,
                Position,
                Employee,
                Indicator,
                IndicatorVersion,
                SchemeVersion,
            )
        ),
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each drawn example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def run_service(kind: str, data: bytes, world: SimpleNamespace) -> str:
    """Import through the service; 'refused', 'problems' or 'imported'. Anything
    else (an exception that is not a refusal) fails the test."""
    before = stored()
    try:
        if kind == "facts":
            outcome: Any = services.import_facts(file=data, actor=world.hr, cycle=world.cycle)
        elif kind == "roster":
            outcome = services.import_roster(file=data, actor=world.hr)
        elif kind == "dictionary":
            outcome = services.import_dictionary(file=data, actor=world.hr)
        else:
            draft = services.import_scheme_form(file=data, actor=world.hr)
            assert stored() == before  # a form is only read, never saved
            return "problems" if draft.problems else "imported"
    except SpreadsheetRefused as refusal:
        assert str(refusal.message).strip()
        assert stored() == before
        return "refused"
    if not outcome.ok:
        assert outcome.problems and all(str(problem) for problem in outcome.problems)
        assert stored() == before
        return "problems"
    return "imported"


URLS = {
    "facts": "/spreadsheets/cycles/{cycle}/facts/",
    "roster": "/spreadsheets/roster/",
    "dictionary": "/spreadsheets/dictionary/",
    "scheme": "/spreadsheets/schemes/import/",
}


def post(kind: str, data: bytes, world: SimpleNamespace) -> Any:
    url = URLS[kind].format(cycle=world.cycle.pk)
    before = stored()
    response = world.client.post(url, {"file": SimpleUploadedFile("f.xlsx", data)})
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    assert "Traceback" not in page
    if response.status_code == 400:
        assert stored() == before
        said = ('<li class="error">', "Nothing was imported", 'class="errorlist')
        assert any(mark in page for mark in said), page[:2000]
    return response


@pytest.fixture
def world(hr: Any, open_cycle: Any) -> SimpleNamespace:
    client = Client()
    client.force_login(hr)
    return SimpleNamespace(hr=hr, cycle=open_cycle, client=client)


# -- the case, and every named hostile change, through every channel ------------------
def test_an_entity_expansion_in_a_sheet_is_refused_not_a_server_error(
    exports: dict[str, bytes], world: SimpleNamespace, tmp_path: Path, capsys: Any
) -> None:
    data = replaced(exports["facts"], SHEET, with_entities)
    before = stored()
    with pytest.raises(SpreadsheetRefused, match="declares a document type or XML entities"):
        services.import_facts(file=data, actor=world.hr, cycle=world.cycle)
    response = post("facts", data, world)
    assert response.status_code == 400
    assert "declares a document type or XML entities" in response.content.decode()
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    assert main(["import", "facts", str(path), "--cycle", world.cycle.code]) == 2
    err = capsys.readouterr().err
    assert "cannot be read" in err and "Traceback" not in err
    assert stored() == before


@pytest.mark.parametrize("kind", ["facts", "roster", "dictionary", "scheme"])
def test_every_named_damage_is_refused_by_the_service_and_the_page(
    kind: str, exports: dict[str, bytes], world: SimpleNamespace
) -> None:
    outcomes = {}
    for label, data in named_cases(exports[kind]):
        with rolled_back():
            outcomes[label] = run_service(kind, data, world)
        with rolled_back():
            post(kind, data, world)
    for label in (f"{SHEET}: entity expansion", f"{SHEET}: external entity", "truncated archive"):
        assert outcomes[label] == "refused", label
    assert outcomes[f"{SHEET}: huge dimension"] == "refused"
    assert outcomes[f"{SHEET}: truncated XML"] == "refused"


@pytest.mark.parametrize("damage", ["entity expansion", "truncated XML", "not XML", "GBK"])
def test_jixiao_import_refuses_a_damaged_sheet_with_exit_2(
    damage: str, exports: dict[str, bytes], world: SimpleNamespace, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(replaced(exports["roster"], SHEET, XML_CHANGES[damage]))
    before = stored()
    assert main(["import", "roster", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err
    assert stored() == before


@override_settings(JIXIAO_IMPORT_MAX_BYTES=1024 * 1024)
def test_a_sheet_inflating_past_the_ratio_is_refused_before_it_is_unpacked(
    exports: dict[str, bytes], world: SimpleNamespace
) -> None:
    data = replaced(exports["facts"], SHEET, inflating)
    assert len(data) < 1024 * 1024
    assert run_service("facts", data, world) == "refused"
    response = post("facts", data, world)
    assert response.status_code == 400 and "once unpacked" in response.content.decode()


# -- the property: mutations drawn by Hypothesis ------------------------------------------------
KINDS = ["facts", "roster", "dictionary", "scheme"]


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    family = draw(st.sampled_from(["truncate", "flip", "part", "splice"]))
    if family == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if family == "flip":
        mutated = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            mutated[at] ^= draw(st.integers(1, 255))
        return bytes(mutated)
    members = parts(data)
    name = draw(st.sampled_from(sorted(n for n in members if n.endswith((".xml", ".rels")))))
    if family == "part":
        change = XML_CHANGES[draw(st.sampled_from(sorted(XML_CHANGES)))]
        members[name] = change(members[name])
    else:  # a slice of the part cut out or repeated
        content = members[name]
        start = draw(st.integers(0, max(len(content) - 1, 0)))
        end = draw(st.integers(start, len(content)))
        members[name] = (
            content[:start]
            + (content[start:end] * 2 if draw(st.booleans()) else b"")
            + content[end:]
        )
    return rebuild(members)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_a_mutated_export_never_makes_the_service_fail(
    exports: dict[str, bytes], world: SimpleNamespace, data: st.DataObject
) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    mutated = data.draw(mutations(exports[kind]))
    with rolled_back():
        run_service(kind, mutated, world)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_a_mutated_export_never_makes_the_upload_page_fail(
    exports: dict[str, bytes], world: SimpleNamespace, data: st.DataObject
) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    mutated = data.draw(mutations(exports[kind]))
    with rolled_back():
        post(kind, mutated, world)


# -- the scheme form's own cells of scheme language ------------------------------------------
def with_cells(data: bytes, change: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def language_cells(workbook: Any, text: str) -> None:
    """Every 方案语言 cell of the form, and the settings sheet, set to `text`."""
    form = workbook.worksheets[0]
    for row in form.iter_rows():
        for cell in row:
            if cell.value == "方案语言":
                for below in range(cell.row + 1, form.max_row + 1):
                    if form.cell(below, 1).value or form.cell(below, 2).value:
                        form.cell(below, cell.column).value = text
    settings_sheet = workbook[SETTINGS_SHEET]
    settings_sheet.append([text])


@pytest.mark.parametrize(
    "text",
    [
        "deep: " + "[" * 5000 + "]" * 5000,
        "a: &a [*a]",
        "\n".join([f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 8)]).replace(
            "*a0", "x"
        ),
        "rule: [unclosed",
        "{not: json}",
    ],
)
def test_scheme_language_in_the_forms_cells_is_read_under_the_caps(
    text: str, exports: dict[str, bytes], world: SimpleNamespace
) -> None:
    data = with_cells(exports["scheme"], lambda workbook: language_cells(workbook, text))
    assert run_service("scheme", data, world) in ("problems", "imported")
    response = post("scheme", data, world)
    assert response.status_code in (200, 400)
