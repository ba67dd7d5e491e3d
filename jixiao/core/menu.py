"""The one menu of every page (portal, HR, Excel, tokens): the base template asks
here for a user's entries; the app that knows the roles and the data (the portal)
registers the function that builds them when Django starts, so the core imports
nothing above it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    key: str  # stable name for tests and styles: "home", "team", "hr_cycles" …
    label: str
    url: str
    current: bool = False


Builder = Callable[..., Sequence[MenuEntry]]
_builders: list[Builder] = []


def menu_register(builder: Builder) -> None:
    """Called once from an AppConfig.ready(): `builder(user, path=...)` gives the entries."""
    if builder not in _builders:
        _builders.append(builder)


def menu_entries(user: Any, *, path: str = "") -> list[MenuEntry]:
    entries: list[MenuEntry] = []
    for builder in _builders:
        entries.extend(builder(user, path=path))
    return entries
