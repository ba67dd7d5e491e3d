"""The leak test of issue 16: try to learn an anonymous rater's answer through every
page, export and API endpoint a person can reach.

The world (test_anonymity_world.py): the accountant 李强 rated by three peers, three
subordinates and three internal customers, each with a distinctive value and comment,
and by two external raters — fewer than the policy's three. The raters sit in another
department. As the appraisee, as the manager, and as HR with the company's policy
left at "no names", every address is fetched that

- the pages link to, followed from the home page (menus, tabs, content links and
  downloads: Excel, CSV; the PDF form is the Excel form converted, not fetched);
- the URL resolver knows, each parameter filled with the objects of the world (the
  pages nobody links to, the admin's change pages);
- the API's own OpenAPI document lists as a GET, with the reader's token.

Nothing is listed by hand, so a page added later is tried too. Then:

1. no single rating value of any anonymous rater, and nothing of the external
   raters (below the minimum: their values, their mean, their comments) appears;
2. the appraisee never reads a rater's name, nor the manager — but on the raters
   page, where they assign them;
3. every answer is moved to another rater of the same role (the same answers, given
   by other people): every address answers exactly as before — so nothing ties an
   answer, a comment or an order to a person. (Addresses that change by themselves
   between two identical fetches are left out of this comparison, and counted.)
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jixiao.api.services.tokens import token_create
from jixiao.appraisals.models import Appraisal, Rating, Result
from jixiao.core.models import AuditEvent
from tests.apps.test_anonymity_world import GIVEN, World, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

SKIPPED = ("/accounts/logout", "/i18n/")
NOT_FETCHED = re.compile(r"\.pdf$")  # the printable form as PDF: the .xlsx converted
ASSIGNING = re.compile(r"/surveys/appraisals/\d+/")  # the manager assigns raters there
PER_SHAPE = 4  # pages of one shape (/appraisals/<n>/…) followed from links, per reader
MOST_PER_PATTERN = 16  # addresses made of one URL pattern
OTHER_OBJECTS = 4  # objects tried of a model that is not the appraisal's
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAMETER = re.compile(r"\{(?P<name>[^}]+)\}")
TIME = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?"
VOLATILE = [
    # the messages of an earlier request ("ID 为“1”的 考核 不存在") shown on the next page
    (re.compile(r"<ul class=\"(?:messagelist|messages)\"[^>]*>.*?</ul>", re.S), ""),
    (re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\""), "csrf"),
    (re.compile(r"X-CSRFToken\"\s*:\s*\"[^\"]+\""), "csrf"),
    (re.compile(r"\b[A-Za-z0-9]{40,}\b"), "token"),
    (
        re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?"),
        "t",
    ),
    (re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"), "t"),
]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "hx-get", "src"):
            if tag in ("a", "link", "div", "section", "button", "iframe") and values.get(name):
                self.found.append(values[name] or "")


def shape(url: str) -> str:
    return re.sub(r"\d+", "<n>", urlsplit(url).path)


def followed(href: str, here: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if (
        not href
        or parts.scheme not in ("", "http", "https")
        or parts.netloc not in ("", "testserver")
    ):
        return None
    path = parts.path
    if not path.startswith("/"):
        path = here.split("?")[0].rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIPPED) or path.startswith("/static/") or NOT_FETCHED.search(path):
        return None
    if path.startswith("/admin/") and here.startswith("/admin/"):
        return None  # the admin's pages come from its URL patterns (`resolved`), not its filters
    return path + (f"?{parts.query}" if parts.query else "")


def text_of(response: Any) -> str:
    """What a person reads in a response: a page's or a file's text, an Excel
    workbook's cells, a JSON document with its characters unescaped."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if body[:2] == b"PK" and ("sheet" in kind or "excel" in kind or "octet" in kind):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        cells = [
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
        return "\n".join(cells)
    decoded = body.decode("utf-8", errors="replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(decoded), ensure_ascii=False, sort_keys=True)
        except ValueError:
            return decoded
    return decoded


def normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text)


# -- the addresses ------------------------------------------------------------------
def crawled(client: Client) -> set[str]:
    """Every address reached by following links from the home page."""
    seen: set[str] = set()
    shapes: dict[str, int] = defaultdict(int)
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        if url in seen or shapes[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            target = followed(response["Location"], url)
            if target is not None and not target.startswith(settings.LOGIN_URL):
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        links = Links()
        links.feed(response.content.decode())
        for href in links.found:
            target = followed(href, url)
            if target is not None and target not in seen:
                queue.append(target)
    return seen


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if route.startswith("^") or route.endswith("$"):  # a regular expression
            route = route.lstrip("^").rstrip("$")
            if "(" in route or "\\" in route:
                continue  # not made into an address (the admin's app index, static files)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _models_by_word() -> dict[str, type[Model]]:
    found: dict[str, type[Model]] = {}
    for model in apps.get_models():
        name = model._meta.model_name or ""
        for word in (name, f"{name}s", str(model._meta.verbose_name_plural).replace(" ", "")):
            found.setdefault(word.lower(), model)
    return found


def _small_ids(world: World) -> list[int]:
    """The ids a parameter whose model the address does not say is tried with: the
    appraisal's own objects (its ratings, raters, result, cycle) and the first few of
    every table."""
    appraisal = world.appraisal
    found = {appraisal.pk, appraisal.cycle_id, *range(1, 9)}
    found |= set(Result.objects.filter(appraisal=appraisal).values_list("pk", flat=True))
    found |= set(Rating.objects.filter(appraisal=appraisal).values_list("pk", flat=True))
    found |= set(appraisal.rater_assignments.values_list("pk", flat=True))
    return sorted(found)


def _ids_of(model: type[Model], world: World) -> list[Any]:
    """The objects of `model` worth trying: those of the appraisal where the model
    belongs to one, the events of ratings and raters in the audit log, else the
    latest few."""
    rows = model.objects.all()
    most = MOST_PER_PATTERN
    if model is Appraisal:
        rows = rows.filter(cycle=world.cycle)
    elif model is AuditEvent:
        rows = rows.filter(target_type__in=["appraisals.rating", "appraisals.raterassignment"])
    elif any(
        getattr(field, "related_model", None) is Appraisal for field in model._meta.get_fields()
    ) and hasattr(model, "appraisal"):
        rows = rows.filter(appraisal=world.appraisal)
    else:
        most = OTHER_OBJECTS
    return list(rows.order_by("-pk").values_list("pk", flat=True)[:most])


def _codes() -> list[str]:
    """The world's codes and names that addresses take as text."""
    found: list[str] = []
    for label, field in (
        ("appraisals.Cycle", "code"),
        ("schemes.Scheme", "code"),
        ("organization.Unit", "code"),
        ("organization.Position", "code"),
        ("organization.Employee", "number"),
        ("indicators.Indicator", "code"),
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found += [str(v) for v in model.objects.values_list(field, flat=True)[:10]]
    return found


def _values(
    model: type[Model] | None, converter: str, world: World, ids: list[int], codes: list[str]
) -> list[str]:
    """What a parameter is tried with: the objects of its model (their codes where the
    parameter is text), or the world's ids and codes."""
    if model is None:
        return [str(i) for i in ids] if converter == "int" else [*codes, *map(str, ids)]
    if converter != "int":
        names = {field.name for field in model._meta.fields}
        for field in ("code", "number", "username"):
            if field in names:
                rows = model.objects.order_by("-pk").values_list(field, flat=True)
                return [str(value) for value in rows[:MOST_PER_PATTERN]]
    return [str(pk) for pk in _ids_of(model, world)]


def _model(by_word: dict[str, type[Model]], path: str, at: int, name: str) -> Any:
    """The model a parameter names: by the word before it (`appraisals/<int:pk>`) or
    its own name (`result_pk`, `appraisal_id`); the admin's by its address."""
    before = path[:at].rstrip("/").rsplit("/", 1)[-1].lower()
    if path.startswith("admin/"):
        try:
            return apps.get_model(*path.split("/")[1:3]) if name == "object_id" else None
        except (LookupError, TypeError):
            return None
    own = re.sub(r"_(pk|id)$", "", name).replace("_", "")
    return by_word.get(before) or by_word.get(own)


def resolved(world: World, ids: list[int], codes: list[str]) -> set[str]:
    """An address for each URL pattern and each object of the world it may name."""
    by_word = _models_by_word()
    found: set[str] = set()
    for route in _patterns(get_resolver()):
        if route.startswith(SKIPPED[1:]) or "static" in route:
            continue
        choices: list[list[str]] = []
        for match in CONVERTER.finditer(route):
            converter, name = match["converter"] or "str", match["name"]
            model = _model(by_word, route, match.start(), name)
            if name == "object_id":
                converter = "int"  # the admin's objects by their ids
            choices.append(_values(model, converter, world, ids, codes))
        for filled in itertools.islice(itertools.product(*choices), MOST_PER_PATTERN):
            address = route
            for value in filled:
                address = CONVERTER.sub(value, address, count=1)
            if NOT_FETCHED.search(address):
                continue
            found.add("/" + address)
    return found


def api_addresses(client: Client, world: World, ids: list[int], codes: list[str]) -> set[str]:
    """Each GET of the API's OpenAPI document, its path parameters filled."""
    by_word = _models_by_word()
    document = client.get("/api/v1/openapi.json").json()
    found: set[str] = set()
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        choices = []
        for match in API_PARAMETER.finditer(path):
            name = match["name"]
            converter = "int" if name.endswith("id") or name == "pk" else "str"
            model = _model(by_word, path.lstrip("/"), match.start() - 1, name)
            choices.append(_values(model, converter, world, ids, codes))
        for filled in itertools.islice(itertools.product(*choices), MOST_PER_PATTERN):
            address = path
            for value in filled:
                address = API_PARAMETER.sub(value, address, count=1)
            found.add(address)
    return found


# -- fetching ------------------------------------------------------------------------
class Reader:
    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.client.force_login(user)
        _token, secret = token_create(actor=user, name="leak test", read_only=True)
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def fetch(self, address: str) -> tuple[int, str]:
        client = self.api if address.startswith("/api/") else self.client
        response = client.get(address)
        if response.status_code != 200:
            return response.status_code, ""
        return 200, text_of(response)

    def answers(self, addresses: set[str]) -> dict[str, str]:
        """The text of every address that answers 200."""
        found = {}
        for address in sorted(addresses):
            status, text = self.fetch(address)
            if status == 200:
                found[address] = text
        return found


def reader_of(world: World, who: str) -> Any:
    return {"appraisee": world.appraisee, "manager": world.manager, "hr": world.hr}[who]


def single_value(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d])")


@pytest.mark.parametrize("who", ["appraisee", "manager", "hr"])
def test_no_page_export_or_endpoint_tells_who_answered_what(world: World, who: str) -> None:
    user = reader_of(world, who)
    reader = Reader(user)
    ids, codes = _small_ids(world), _codes()
    addresses = crawled(reader.client) | resolved(world, ids, codes)
    addresses |= {f"/api/v1{path}" for path in api_addresses(reader.api, world, ids, codes)}
    first = reader.answers(addresses)

    # the crawl reached what the reader reads of the appraisal
    appraisal = world.appraisal.pk
    reached = set(first)
    expected = {f"/appraisals/{appraisal}/result/", f"/appraisals/{appraisal}/ratings/"}
    expected |= {f"/api/v1/appraisals/{appraisal}/result", f"/api/v1/appraisals/{appraisal}"}
    if who == "hr":
        expected |= {f"/spreadsheets/appraisals/{appraisal}/form.xlsx", "/hr/audit/"}
        expected |= {f"/spreadsheets/cycles/{world.cycle.pk}/results/", "/hr/anonymity/"}
        expected |= {f"/hr/cycles/{world.cycle.pk}/fairness/", "/admin/core/auditevent/"}
        expected |= {f"/admin/appraisals/result/{world.appraisal.result.pk}/change/"}
    assert expected <= reached, sorted(expected - reached)
    result_page = first[f"/appraisals/{appraisal}/result/"]
    assert "3 份评分" in result_page and "回答太少" in result_page  # the combined trace
    assert "回答太少" in first[f"/appraisals/{appraisal}/ratings/"]

    # 1. no single value; nothing of the raters below the minimum
    forbidden = [single_value(value) for value in world.single_values()]
    below = world.below_minimum()
    for address, text in first.items():
        for pattern in forbidden:
            assert not pattern.search(text), (address, pattern.pattern)
        for words in below:
            if not re.fullmatch(r"[\d.]+", words):
                assert words not in text, (address, words)
            else:
                assert not single_value(words).search(text), (address, words)

    # 2. the appraisee never reads a rater's name; the manager only on the raters page,
    # where they assign them (who answered is counted there, not named: test_surveys.py)
    if who != "hr":
        for address, text in first.items():
            if who == "manager" and ASSIGNING.fullmatch(address):
                continue
            for name in world.names():
                assert name not in text, (address, name)

    # 3. the same answers given by other people: every address answers the same
    again = reader.answers(set(first))
    stable = {a for a in first if normalised(first[a]) == normalised(again.get(a, ""))}
    world.rotate()
    moved = reader.answers(stable)
    changed = sorted(a for a in stable if normalised(moved.get(a, "")) != normalised(first[a]))
    assert changed == [], changed
    assert len(stable) >= 0.9 * len(first), sorted(set(first) - stable)
    print(f"\n{who}: {len(addresses)} addresses tried, {len(first)} answered, {len(stable)} stable")


def test_two_raters_show_nothing_but_too_few_answers(world: World) -> None:
    """Below the minimum, the ratings page and the result page say only that too few
    answered: not the values, the mean or the comments — for everyone but the raters."""
    for user in (world.appraisee, world.manager, world.hr):
        reader = Reader(user)
        for address in (
            f"/appraisals/{world.appraisal.pk}/ratings/",
            f"/appraisals/{world.appraisal.pk}/result/",
        ):
            status, text = reader.fetch(address)
            assert status == 200
            assert "回答太少" in text
            for words in world.below_minimum():
                assert words not in text, (address, words)
    # a rater below the minimum reads their own answer, never the other's
    other = GIVEN["external"][1]
    rater = Reader(world.raters["external"][0].user)
    status, text = rater.fetch(f"/appraisals/{world.appraisal.pk}/ratings/")
    assert other[2] not in text and not single_value(f"{other[1]:g}").search(text)


def test_the_comparison_finds_an_answer_tied_to_a_name(world: World) -> None:
    """The control of check 3: where HR may see names, the ratings page ties each
    answer to its rater — and moving the answers changes it."""
    from jixiao.appraisals.services.anonymity import anonymity_policy_set

    anonymity_policy_set(actor=world.hr, least_raters=3, hr_sees_names=True)
    reader = Reader(world.hr)
    address = f"/appraisals/{world.appraisal.pk}/ratings/"
    before = normalised(reader.fetch(address)[1])
    assert normalised(reader.fetch(address)[1]) == before  # stable
    world.rotate()
    assert normalised(reader.fetch(address)[1]) != before
