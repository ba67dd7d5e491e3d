"""`jixiao import …` and `jixiao export …` (jixiao/cli.py sets Django up, then calls
these): the same services as the web pages, acting as the user named by --actor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.core.errors import ServiceError
from jixiao.schemes.models import Scheme
from jixiao.spreadsheets import services

OK, PROBLEMS, REFUSED = 0, 1, 2


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return REFUSED


def run_import(args: argparse.Namespace) -> int:
    actor = User.objects.filter(username=args.actor, is_active=True).first()
    if actor is None:
        return _fail(f"no active user {args.actor!r}")
    try:
        if args.kind == "scheme":
            draft = services.import_scheme_form(file=args.file, actor=actor)
            text = draft.text
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            for note in draft.notes:
                print(f"note: {note}", file=sys.stderr)
            for problem in draft.problems:
                print(f"problem: {problem}", file=sys.stderr)
            return PROBLEMS if draft.problems else OK
        if args.kind == "dictionary":
            outcome = services.import_dictionary(file=args.file, actor=actor)
        elif args.kind == "roster":
            outcome = services.import_roster(file=args.file, actor=actor)
        else:
            cycle = Cycle.objects.filter(code=args.cycle).first()
            if cycle is None:
                return _fail(f"no cycle {args.cycle!r}")
            outcome = services.import_facts(
                file=args.file, actor=actor, cycle=cycle, reason=args.reason
            )
    except ServiceError as exc:
        return _fail(str(exc))
    print(outcome.summary())
    if outcome.ok:
        return OK
    for cell_problem in outcome.problems[:50]:
        print(f"  {cell_problem}", file=sys.stderr)
    output = args.output or str(Path(args.file).with_suffix("")) + ".problems.xlsx"
    Path(output).write_bytes(outcome.annotated or b"")
    print(f"the annotated workbook: {output}", file=sys.stderr)
    return PROBLEMS


def _appraisal(pk: int | None) -> Appraisal | None:
    if pk is None:
        return None
    related = ("cycle", "scheme_version", "employee__position", "unit", "result")
    return Appraisal.objects.select_related(*related).filter(pk=pk).first()


def run_export(args: argparse.Namespace) -> int:
    actor = User.objects.filter(username=args.actor, is_active=True).first()
    if actor is None:
        return _fail(f"no active user {args.actor!r}")
    try:
        if args.kind == "scheme":
            scheme = Scheme.objects.filter(code=args.scheme).first()
            version = scheme.current_version if scheme is not None else None
            if version is None:
                return _fail(f"no scheme {args.scheme!r}")
            data = services.export_scheme_form(version=version, actor=actor)
        elif args.kind == "dictionary":
            data = services.export_dictionary(actor=actor)
        elif args.kind == "roster":
            data = services.export_roster(actor=actor)
        elif args.kind == "form":
            appraisal = _appraisal(args.appraisal)
            if appraisal is None:
                return _fail(f"no appraisal {args.appraisal!r}")
            pdf = str(args.output).lower().endswith(".pdf")
            data = services.export_appraisal_form(appraisal=appraisal, actor=actor, pdf=pdf)
        else:
            cycle = Cycle.objects.filter(code=args.cycle).first()
            if cycle is None:
                return _fail(f"no cycle {args.cycle!r}")
            if args.kind == "template":
                data = services.export_facts_template(cycle=cycle, actor=actor)
            else:
                data = services.export_results(cycle=cycle, actor=actor)
    except ServiceError as exc:
        return _fail(str(exc))
    Path(args.output).write_bytes(data)
    print(f"written: {args.output}")
    return OK
