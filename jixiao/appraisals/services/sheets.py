"""A sheet of many values saved at once (one appraisal's targets or ratings, or a
team's): every value becomes a command of the fact pipeline and the whole sheet is
written by one `facts_apply`, all or nothing. A refusal says, for each cell, what
is wrong, naming the person and the item, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.appraisals.services.pipeline import Command, FactsRefused, Written, facts_apply
from jixiao.core.errors import ServiceError

# A cell of a sheet: (appraisal id, item code, what is written there: target,
# challenge, target_measure, or a rater role).
CellKey = tuple[int, str, str]


@dataclass(frozen=True)
class Cell:
    key: CellKey
    person: str  # the appraisee's name
    item: str  # the item's name


class SheetRefused(ServiceError):
    """Nothing of the sheet was written. `cells`: by cell, what is wrong with it (each
    sentence names the person and the item); `general`: problems of no one cell."""

    def __init__(self, cells: dict[CellKey, list[str]], general: Sequence[str] = ()) -> None:
        count = len(cells) + len(general)
        summary = _("Nothing was saved: %(count)s values need correcting.") % {"count": count}
        super().__init__(summary)
        self.cells = cells
        self.general = list(general)

    @property
    def sentences(self) -> list[str]:
        return [*self.general, *(text for texts in self.cells.values() for text in texts)]


@dataclass
class Sheet:
    """The commands of a sheet and the cell each comes from."""

    commands: list[Command] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    refused: dict[CellKey, list[str]] = field(default_factory=dict)

    def add(self, command: Command, cell: Cell) -> None:
        self.commands.append(command)
        self.cells.append(cell)

    def refuse(self, cell: Cell, message: str) -> None:
        """A problem found before the pipeline (rights, state): the cell is refused."""
        self.refused.setdefault(cell.key, []).append(said(cell, message))


def said(cell: Cell, message: str) -> str:
    """The problem with the person and the item named first (once)."""
    if cell.item and message.startswith(cell.item):
        message = message[len(cell.item) :].lstrip(" :：") or message
    return _("%(person)s · %(item)s: %(problem)s") % {
        "person": cell.person,
        "item": cell.item,
        "problem": message,
    }


def sheet_apply(*, sheet: Sheet, actor: Any, reason: str = "") -> list[Written]:
    """Write the whole sheet through the fact pipeline, or nothing (`SheetRefused`)."""
    if sheet.refused:
        raise SheetRefused(dict(sheet.refused))
    if not sheet.commands:
        return []
    try:
        return facts_apply(commands=sheet.commands, actor=actor, reason=reason)
    except FactsRefused as exc:
        cells: dict[CellKey, list[str]] = {}
        for problem in exc.problems:
            cell = sheet.cells[problem.index]
            text = said(cell, problem.message)
            if text not in cells.setdefault(cell.key, []):
                cells[cell.key].append(text)
        raise SheetRefused(cells) from None
