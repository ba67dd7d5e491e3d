"""Excel imports and exports: the actions the web pages and `jixiao import|export`
call.

An import reads and checks the whole file first. With any problem nothing is
written and the outcome carries the same workbook back, each bad cell marked
red with a comment. Otherwise every row is written in one transaction through
the apps' own services (so the audit log records every change), results are
recomputed once, and an `ImportBatch` remembers the file's hash. A row that
stores what is stored already changes nothing; a file imported before is
recognised and said so. Facts go through the appraisals' fact pipeline
(`facts_apply`), as the forms and the API do, with the same checks and words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.selectors import appraisal_list
from jixiao.appraisals.services import recompute_once
from jixiao.appraisals.services.pipeline import (
    CHANGED,
    RECORDED,
    UNCHANGED,
    FactsRefused,
    facts_apply,
    facts_check,
)
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.progress import progress_report
from jixiao.jobs.models import ACTIVE_STATES, Job
from jixiao.jobs.services import (
    OUTPUT_FOLDER,
    JobRefused,
    job_enqueue,
    job_outcome,
    job_output_save,
)
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import SchemeInvalid, scheme_check
from jixiao.spreadsheets import access
from jixiao.spreadsheets.appraisal_form import appraisal_form_workbook
from jixiao.spreadsheets.dictionary import dictionary_workbook, latest_versions, plan_dictionary
from jixiao.spreadsheets.fact_plan import CycleFacts, plan_facts
from jixiao.spreadsheets.fact_template import template_workbook
from jixiao.spreadsheets.facts import read_facts
from jixiao.spreadsheets.models import ImportBatch, ImportKind
from jixiao.spreadsheets.pdf import pdf_from_xlsx
from jixiao.spreadsheets.readers import (
    SpreadsheetRefused,
    Upload,
    check_archive,
    open_workbook,
    upload_from,
)
from jixiao.spreadsheets.results import results_workbook
from jixiao.spreadsheets.roster import plan_roster, roster_workbook
from jixiao.spreadsheets.scheme_form import FormError, read_form, scheme_workbook
from jixiao.spreadsheets.tables import RowsPlan
from jixiao.spreadsheets.writers import CellProblem, annotate, to_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CLOSED_CYCLE_STATES = frozenset({CycleState.DRAFT, CycleState.CLOSED, CycleState.CANCELLED})


@dataclass
class ImportOutcome:
    """What an import did, or why it did nothing."""

    kind: str
    file_name: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[CellProblem] = field(default_factory=list)
    annotated: bytes | None = None
    previous: ImportBatch | None = None
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def nothing_changed(self) -> bool:
        return self.ok and self.added == 0 and self.changed == 0

    def summary(self) -> str:
        if not self.ok:
            return _(
                "Nothing was imported: %(count)d problem(s) in the file. The workbook comes"
                " back with each bad cell marked and explained."
            ) % {"count": len(self.problems)}
        if self.nothing_changed:
            text = _("Nothing changed: all %(count)d row(s) are already stored.") % {
                "count": self.unchanged
            }
            if self.previous is not None:
                text += " " + _("This file was imported on %(when)s by %(who)s.") % {
                    "when": f"{localtime(self.previous.imported_at):%Y-%m-%d %H:%M}",
                    "who": self.previous.actor or "—",
                }
            return text
        return _(
            "Imported %(rows)d row(s): %(added)d added, %(changed)d changed,"
            " %(unchanged)d unchanged."
        ) % {
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


def _annotated(upload: Upload, problems: list[CellProblem]) -> bytes:
    return annotate(
        upload.data,
        problems,
        title=_("Problems"),
        columns=[_("sheet"), _("cell"), _("problem")],
    )


def _may_import_facts(actor: Any, cycle: Cycle) -> None:
    if not access.can_import_facts(actor):
        raise NotAllowed(_("only HR and data owners may import facts"))
    if CycleState(cycle.state) in CLOSED_CYCLE_STATES:
        raise ServiceError(_("facts can no longer be recorded for this cycle"))


def import_facts(
    *, file: Any, actor: Any, cycle: Cycle, reason: str = "", name: str | None = None
) -> ImportOutcome:
    """Import facts in the long or the wide format into a running cycle."""
    _may_import_facts(actor, cycle)
    upload = upload_from(file, name)
    progress_report(stage=gettext_noop("reading the workbook"))
    workbook = open_workbook(upload)
    try:
        rows, problems, count = read_facts(workbook)
    finally:
        workbook.close()
    progress_report(stage=gettext_noop("checking the rows"), done=0, total=count)
    context = CycleFacts(cycle, actor)
    plan = plan_facts(rows, context, reason=reason, file_name=upload.name)
    outcome = ImportOutcome(
        kind=ImportKind.FACTS,
        file_name=upload.name,
        rows=count,
        previous=ImportBatch.objects.filter(
            kind=ImportKind.FACTS, sha256=upload.sha256, cycle=cycle
        ).first(),
    )
    if problems or plan.problems:  # the pipeline's word on the other rows too
        checked = facts_check(commands=plan.commands, actor=actor, reason=reason, book=context.book)
        return _refused(outcome, upload, [*problems, *plan.problems, *plan.cell_problems(checked)])
    try:
        with transaction.atomic(), recompute_once(actor=actor, reason=reason or _("Excel import")):
            written = facts_apply(
                commands=plan.commands, actor=actor, reason=reason, book=context.book
            )
            for _row, apply in plan.groups:
                apply(actor)
            done = [w.outcome for w in written]
            outcome.added = plan.added + done.count(RECORDED)
            outcome.changed = plan.changed + done.count(CHANGED)
            outcome.unchanged = plan.unchanged + done.count(UNCHANGED)
            if not outcome.nothing_changed:
                outcome.batch = _batch(upload, actor, outcome, cycle)
    except FactsRefused as exc:  # changed since it was read: nothing was written
        return _refused(outcome, upload, plan.cell_problems(exc.problems))
    return outcome


# -- a facts import as a background job ---------------------------------------------
FACTS_IMPORT_JOB = "facts_import"
FACTS_IMPORT_TARGET = "spreadsheets.facts_import"
SHOWN_PROBLEMS = 200  # the problems a page lists; the marked workbook has them all


def facts_import_queue(
    *, file: Any, actor: Any, cycle: Cycle, reason: str = "", name: str | None = None
) -> Job:
    """Take an upload of facts (refused at once when too big, or when the person or the
    cycle may not take facts) and queue its import (`facts_import_run`). The same file
    for the same cycle, asked again while its job is queued or running, is that job."""
    _may_import_facts(actor, cycle)
    upload = upload_from(file, name)
    check_archive(upload.data)  # no workbook, or one inflating too far: at once
    stored = f"imports/{upload.sha256}.xlsx"
    if not default_storage.exists(stored):
        stored = default_storage.save(stored, ContentFile(upload.data))
    return job_enqueue(
        kind=FACTS_IMPORT_JOB,
        # the cycle and the file (its hash shortened: a target id holds 64 characters)
        target=(FACTS_IMPORT_TARGET, f"{cycle.pk}:{upload.sha256[:48]}"),
        actor=actor,
        arguments={"cycle": cycle.pk, "file": stored, "name": upload.name, "reason": reason},
    )


def facts_import_run(*, job: Job, actor: Any) -> Cycle:
    """The job's work: the stored upload imported by `import_facts`, all or nothing.
    With problems nothing is written, the job fails listing them (`Job.outcome`), and
    the workbook with each bad cell marked is kept for the person who asked."""
    options = job.arguments
    cycle = Cycle.objects.get(pk=options["cycle"])
    with default_storage.open(options["file"], "rb") as stored:
        data = stored.read()
    outcome = import_facts(
        file=data, actor=actor, cycle=cycle, reason=options.get("reason", ""), name=options["name"]
    )
    found = _outcome_of(outcome)
    if not outcome.ok:
        if outcome.annotated:
            found["annotated"] = default_storage.save(
                facts_import_problems_path(job.pk), ContentFile(outcome.annotated)
            )
        raise JobRefused(
            outcome.summary(),
            details=[str(problem) for problem in outcome.problems[:20]],
            outcome=found,
        )
    job_outcome(job=job, outcome=found)
    return cycle


def facts_import_problems_path(job_id: int) -> str:
    return f"imports/problems/job-{job_id}.xlsx"


def _outcome_of(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "summary": outcome.summary(),
        "file": outcome.file_name,
        "rows": outcome.rows,
        "added": outcome.added,
        "changed": outcome.changed,
        "unchanged": outcome.unchanged,
        "problem_count": len(outcome.problems),
        "problems": [
            {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message}
            for p in outcome.problems[:SHOWN_PROBLEMS]
        ],
    }


def _refused(outcome: ImportOutcome, upload: Upload, problems: list[CellProblem]) -> ImportOutcome:
    """Nothing written: every problem on its cell (a wide row's period is one cell,
    however many facts it dates)."""
    outcome.problems = sorted(set(problems), key=lambda p: (p.sheet, p.row, p.column, p.message))
    outcome.annotated = _annotated(upload, outcome.problems)
    return outcome


def _batch(upload: Upload, actor: Any, outcome: ImportOutcome, cycle: Cycle | None) -> ImportBatch:
    batch = ImportBatch.objects.create(
        kind=outcome.kind,
        file_name=upload.name[:255],
        sha256=upload.sha256,
        cycle=cycle,
        rows=outcome.rows,
        added=outcome.added,
        changed=outcome.changed,
        unchanged=outcome.unchanged,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="import.completed",
        target=batch,
        after={
            "kind": batch.kind,
            "file": batch.file_name,
            "sha256": batch.sha256,
            "rows": batch.rows,
            "added": batch.added,
            "changed": batch.changed,
            "unchanged": batch.unchanged,
        },
    )
    return batch


# -- the dictionary and the roster ------------------------------------------------
def import_dictionary(*, file: Any, actor: Any, name: str | None = None) -> ImportOutcome:
    """The indicator dictionary, one row per indicator (see `dictionary.py`)."""
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may import the indicator dictionary"))
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        sheet = workbook.worksheets[0]
        plan = plan_dictionary(sheet, actor=actor)
    finally:
        workbook.close()
    return _import_table(ImportKind.DICTIONARY, upload, actor, plan)


def import_roster(*, file: Any, actor: Any, name: str | None = None) -> ImportOutcome:
    """Units, positions and employees (see `roster.py`)."""
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may import the organisation and roster"))
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        plan = plan_roster(workbook, actor=actor)
    finally:
        workbook.close()
    return _import_table(ImportKind.ROSTER, upload, actor, plan)


def _import_table(kind: str, upload: Upload, actor: Any, plan: RowsPlan) -> ImportOutcome:
    """Write a checked plan in one transaction, or hand the problems back."""
    problems = sorted(set(plan.problems), key=lambda p: (p.sheet, p.row, p.column, p.message))
    outcome = ImportOutcome(
        kind=kind,
        file_name=upload.name,
        rows=plan.rows,
        added=plan.added,
        changed=plan.changed,
        unchanged=plan.unchanged,
        problems=problems,
        previous=ImportBatch.objects.filter(kind=kind, sha256=upload.sha256).first(),
    )
    if problems:
        outcome.annotated = _annotated(upload, problems)
        return outcome
    if not plan.steps:
        return outcome
    failed: list[CellProblem] = []
    try:
        with transaction.atomic():
            for row, column, step in plan.steps:
                try:
                    step()
                except (ServiceError, ValidationError) as exc:
                    message = exc.message if isinstance(exc, ServiceError) else _invalid(exc)
                    row.problem(column, str(message))
                    failed.extend(row.problems)
                    raise
            outcome.batch = _batch(upload, actor, outcome, None)
    except (ServiceError, ValidationError):
        if not failed:
            raise
        outcome.problems = failed
        outcome.annotated = _annotated(upload, failed)
    return outcome


def _invalid(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != NON_FIELD_ERRORS else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def export_dictionary(*, actor: Any) -> bytes:
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may export the indicator dictionary"))
    return to_bytes(dictionary_workbook(latest_versions()))


def export_roster(*, actor: Any) -> bytes:
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may export the organisation and roster"))
    return to_bytes(roster_workbook())


# -- the printable per-person form ------------------------------------------------
def export_appraisal_form(*, appraisal: Appraisal, actor: Any, pdf: bool = False) -> bytes:
    """The appraisal's printable form as .xlsx, or as PDF through LibreOffice
    (`PdfUnavailable` when the server cannot make one)."""
    if not access.can_print_forms(actor):
        raise NotAllowed(_("only HR may print appraisal forms"))
    data = to_bytes(appraisal_form_workbook(appraisal, actor))
    return pdf_from_xlsx(data, stem=f"form-{appraisal.pk}") if pdf else data


# -- exports -------------------------------------------------------------------
def export_facts_template(*, cycle: Cycle, actor: Any) -> bytes:
    """The fact-entry template of a cycle for HR (every item) or a data owner (theirs)."""
    if not access.can_export_facts_template(actor):
        raise NotAllowed(_("only HR and data owners may export the fact-entry template"))
    appraisals = list(
        appraisal_list(visible_to=actor, cycle=cycle).exclude(state=AppraisalState.WITHDRAWN)
    )
    return to_bytes(template_workbook(cycle=cycle, actor=actor, appraisals=appraisals))


def export_results(*, cycle: Cycle, actor: Any) -> bytes:
    """The results of a cycle: one row per appraisee."""
    if not access.can_read_results(actor):
        raise NotAllowed(_("only HR may export the results"))
    appraisals = list(
        appraisal_list(visible_to=actor, cycle=cycle)
        .exclude(state=AppraisalState.WITHDRAWN)
        .select_related("result")
    )
    return to_bytes(results_workbook(appraisals))


RESULTS_EXPORT_JOB = "results_export"


def results_export_queue(*, cycle: Cycle, actor: Any) -> Job:
    """Ask for the results workbook of a cycle as a job (`results_export_run`); the
    same job while one is queued or running, whoever asks."""
    if not access.can_read_results(actor):
        raise NotAllowed(_("only HR may export the results"))
    return job_enqueue(kind=RESULTS_EXPORT_JOB, target=cycle, actor=actor)


def results_export_run(*, job: Job, actor: Any) -> Cycle:
    """The job's work: the workbook written and kept as the job's output file."""
    cycle = Cycle.objects.get(pk=job.target_id)
    progress_report(stage=gettext_noop("writing the workbook"))
    job_output_save(
        job=job,
        data=export_results(cycle=cycle, actor=actor),
        name=f"results-{cycle.code}.xlsx",
        content_type=XLSX_TYPE,
    )
    return cycle


# -- schemes as the familiar form ---------------------------------------------------
@dataclass
class SchemeDraft:
    """A scheme read from a familiar form, for HR to review before saving with
    `scheme_save`: the document, the notes on what was not understood, and the
    engine's problems if the document does not pass its check yet."""

    text: str
    notes: list[str]
    problems: list[str]


def export_scheme_form(*, version: SchemeVersion, actor: Any) -> bytes:
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may export schemes"))
    document = yaml.safe_load(version.text)
    try:
        return to_bytes(scheme_workbook(document))
    except FormError as exc:
        raise ServiceError(str(exc)) from None


def import_scheme_form(*, file: Any, actor: Any, name: str | None = None) -> SchemeDraft:
    """Read a familiar form into a scheme document. Nothing is saved: HR reviews the
    draft (and the notes) and saves it through `scheme_save`."""
    if not access.can_manage_spreadsheets(actor):
        raise NotAllowed(_("only HR may import schemes"))
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        reading = read_form(workbook.worksheets)
    except FormError as exc:
        raise SpreadsheetRefused(str(exc)) from None
    finally:
        workbook.close()
    problems: list[str] = []
    try:
        scheme_check(reading.text)
    except SchemeInvalid as exc:
        problems = [str(problem) for problem in exc.problems]
    return SchemeDraft(reading.text, reading.notes, problems)


__all__ = [
    "ImportOutcome",
    "SchemeDraft",
    "SpreadsheetRefused",
    "export_appraisal_form",
    "export_dictionary",
    "export_facts_template",
    "export_results",
    "export_roster",
    "export_scheme_form",
    "facts_import_queue",
    "facts_import_run",
    "import_dictionary",
    "import_facts",
    "import_roster",
    "import_scheme_form",
]


# -- the stored uploads, cleaned up ------------------------------------------------------
IMPORT_FOLDERS = ("imports", "imports/problems", OUTPUT_FOLDER)  # exports: jobs' outputs


def imports_cleanup(*, now: datetime | None = None, keep_days: int | None = None) -> list[str]:
    """Delete the uploaded workbooks, the marked copies (`media/imports/`) and the
    exports' files (`media/exports/`, the jobs' output files) stored more than
    `keep_days` ago (JIXIAO_IMPORT_KEEP_DAYS), except those a queued or
    running job still reads; the names deleted. The import's outcome, its batch and
    its audit events stay: only the file goes."""
    keep = settings.JIXIAO_IMPORT_KEEP_DAYS if keep_days is None else keep_days
    before = (now or timezone.now()) - timedelta(days=keep)
    in_use = {
        str(job.arguments.get("file", ""))
        for job in Job.objects.filter(state__in=ACTIVE_STATES, kind=FACTS_IMPORT_JOB)
    }
    deleted = []
    for folder in IMPORT_FOLDERS:
        if not default_storage.exists(folder):
            continue
        for name in default_storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if path in in_use or default_storage.get_modified_time(path) >= before:
                continue
            default_storage.delete(path)
            deleted.append(path)
    return deleted
