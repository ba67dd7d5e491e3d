"""Lists that do not grow with the company: one page of rows at a time, searched and
sorted from the address (`?q=…&sort=…&page=…`), so a list of ten people and one of
ten thousand cost the same queries and about the same bytes.

    people = listing(
        request,
        appraisals,
        search=("employee__name", "employee__number", "unit__name"),
        sorts=(Sort("number", _("Employee number"), ("employee__number",)), ...),
    )

The template includes `core/_list_search.html` (the search box and the sort) and
`core/_pagination.html` (the pages) with `listing=people`, and loops over
`people.rows`. A list already in memory (a few hundred entries at most) is paged
the same way; its search is the caller's (`matches`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

PER_PAGE = 50
SEARCH_LIMIT = 100  # characters of the search box taken into account


@dataclass(frozen=True)
class Sort:
    """One way to order the list: its key in the address, its label, the fields."""

    key: str
    label: str | Promise
    order: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """A picker above the list: `?key=value` keeps the rows whose `field` is `value`
    (or that meet `conditions[value]`).
    With `everything` (its label) the picker offers all rows; without it, one of
    `choices` is always chosen (`default`, else the first)."""

    key: str
    label: str | Promise
    field: str
    choices: Sequence[tuple[Any, str | Promise]]
    everything: str | Promise | None = None
    default: Any = None
    conditions: Mapping[str, Q] = dataclasses.field(default_factory=dict)  # instead of `field`

    def condition(self, value: str) -> Q:
        return self.conditions.get(value) or Q(**{self.field: value})

    def chosen(self, request: HttpRequest) -> str:
        asked = request.GET.get(self.key)
        values = [str(value) for value, _label in self.choices]
        if asked in values:
            return str(asked)
        if asked == "" and self.everything is not None:
            return ""  # all rows, asked for
        if self.default is not None:
            return str(self.default)
        if self.everything is not None or not values:
            return ""
        return values[0]


@dataclass(frozen=True)
class Picked:
    """A filter as the template shows it: its options and the one chosen."""

    key: str
    label: str | Promise
    value: str
    options: list[tuple[str, str | Promise, bool]]


@dataclass(frozen=True)
class SortLink:
    """A column heading's link: ascending first, the other way when already current."""

    url: str
    current: bool
    descending: bool

    @property
    def arrow(self) -> str:
        if not self.current:
            return ""
        return " ↓" if self.descending else " ↑"


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass
class Listing:
    page: Page[Any]
    query: str
    sort: str  # the key, "-key" when descending
    sorts: Sequence[Sort]
    params: QueryDict = field(repr=False)  # the address's other parameters (a chosen cycle …)
    filters: Sequence[Picked] = ()

    def value(self, key: str) -> str:
        """The value chosen for the filter `key` ('' for all)."""
        return next((picked.value for picked in self.filters if picked.key == key), "")

    @property
    def rows(self) -> Any:
        return self.page.object_list

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """The address's other parameters, kept by the search form."""
        return [
            (key, value)
            for key, values in self.params.lists()
            if key not in ("q", "sort", "page", *(picked.key for picked in self.filters))
            for value in values
        ]

    def url(self, **changes: Any) -> str:
        params = self.params.copy()
        for key, value in changes.items():
            params.pop(key, None)
            if value not in (None, ""):
                params[key] = str(value)
        if "page" not in changes:
            params.pop("page", None)
        text = params.urlencode()
        return f"?{text}" if text else "?"

    @property
    def unsearched_url(self) -> str:
        """The same list without the search."""
        return self.url(q=None)

    @property
    def links(self) -> dict[str, SortLink]:
        """By sort key: the heading's link (`listing.links.name.url`)."""
        found = {}
        for sort in self.sorts:
            current = self.sort.lstrip("-") == sort.key
            descending = current and self.sort.startswith("-")
            target = sort.key if (not current or descending) else f"-{sort.key}"
            found[sort.key] = SortLink(self.url(sort=target), current, descending)
        return found

    @property
    def sort_options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for a sort picker: each way up and down."""
        options = []
        for sort in self.sorts:
            for value, arrow in ((sort.key, "↑"), (f"-{sort.key}", "↓")):
                options.append((value, f"{sort.label} {arrow}", value == self.sort))
        return options

    @property
    def previous_url(self) -> str:
        if not self.page.has_previous():
            return ""
        return self.url(page=self.page.previous_page_number())

    @property
    def next_url(self) -> str:
        if not self.page.has_next():
            return ""
        return self.url(page=self.page.next_page_number())

    @property
    def page_links(self) -> list[PageLink | None]:
        """The first, the last and the pages around the current one; None for a gap."""
        count, number = self.page.paginator.num_pages, self.page.number
        shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
        found: list[PageLink | None] = []
        for previous, page in zip([0, *shown], shown, strict=False):
            if page - previous > 1:
                found.append(None)
            found.append(PageLink(page, self.url(page=page), page == number))
        return found


def search_text(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:SEARCH_LIMIT]


def chosen_sort(request: HttpRequest, sorts: Sequence[Sort], default: str = "") -> str:
    """The sort asked for in the address when it is one of `sorts`, else the default."""
    asked = request.GET.get("sort", "")
    if any(asked.lstrip("-") == sort.key for sort in sorts):
        return asked
    return default or (sorts[0].key if sorts else "")


def search_filter(text: str, fields: Sequence[str]) -> Q:
    """Every word of `text` found in one of `fields` (名字、工号、部门 …)."""
    condition = Q()
    for word in text.split():
        one_of = Q()
        for name in fields:
            one_of |= Q(**{f"{name}__icontains": word})
        condition &= one_of
    return condition


def listing(
    request: HttpRequest,
    rows: QuerySet[Any] | list[Any],
    *,
    search: Sequence[str] = (),
    sorts: Sequence[Sort] = (),
    filters: Sequence[Filter] = (),
    default_sort: str = "",
    matches: Callable[[Any, str], bool] | None = None,
    per_page: int = PER_PAGE,
) -> Listing:
    """One page of `rows`, searched in `search` fields and ordered by the chosen sort
    (then by primary key, so pages never overlap). A list is searched with `matches`
    and kept in its own order."""
    text = search_text(request)
    sort = chosen_sort(request, sorts, default_sort)
    picked = []
    for one in filters:
        value = one.chosen(request)
        options = [("", one.everything, value == "")] if one.everything is not None else []
        options += [(str(v), label, str(v) == value) for v, label in one.choices]
        picked.append(Picked(one.key, one.label, value, options))
        if value and isinstance(rows, QuerySet):
            rows = rows.filter(one.condition(value))
    if isinstance(rows, QuerySet):
        if text and search:
            rows = rows.filter(search_filter(text, search))
        chosen = next((s for s in sorts if s.key == sort.lstrip("-")), None)
        if chosen is not None:
            sign = "-" if sort.startswith("-") else ""
            rows = rows.order_by(*(_signed(name, sign) for name in chosen.order), f"{sign}pk")
    elif text and matches is not None:
        rows = [row for row in rows if matches(row, text)]
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("q", None)
    if text:
        params["q"] = text  # the links carry the search as it was applied
    return Listing(page=page, query=text, sort=sort, sorts=sorts, params=params, filters=picked)


def _signed(name: str, sign: str) -> str:
    if name.startswith("-"):
        return name[1:] if sign else name
    return f"{sign}{name}"
