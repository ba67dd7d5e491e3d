"""The `jixiao` command: score, check and ahp (scheme-language §14).

Exit status: 0 all scored; 1 some appraisees have errors; 2 the scheme or
the facts file is invalid (the message names file, line, path and problem).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from jixiao.production import TIMEOUT
from jixiao.scoring import DocumentError, Scheme, load_facts, load_scheme, score_periods
from jixiao.scoring.numbers import fmt
from jixiao.scoring.report import as_table, table, write_csv, write_json
from jixiao.scoring.weights import effective_weights
from jixiao.scoring.wording import LANGUAGES, language, say

OK, SOME_ERRORS, INVALID = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description="jixiao (绩效): appraisal scoring")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score the appraisees of a facts file")
    score.add_argument("scheme", help="scheme file (YAML or JSON)")
    score.add_argument("facts", help="facts file (YAML, JSON or CSV long format)")
    score.add_argument("--period", help="the period, e.g. 2026-06 (overrides the file's)")
    score.add_argument("--format", choices=("json", "csv", "table", "xlsx"), default="json")
    score.add_argument(
        "--output", help="write to this file instead of standard output (xlsx: required)"
    )
    score.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="the language of traces and errors: en (default) or zh (中文)",
    )
    check = commands.add_parser("check", help="validate a scheme and show its effective weights")
    check.add_argument("scheme")
    check.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="the language of the problems: en (default) or zh (中文, naming each place)",
    )
    ahp = commands.add_parser("ahp", help="weights from pairwise comparison matrices (层次分析法)")
    ahp.add_argument(
        "matrix", help="YAML file with matrix: or experts: (and names, aggregate, trim, children)"
    )
    ahp.add_argument("--format", choices=("text", "json"), default="text")
    ahp.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="the language of the output and errors: en (default) or zh (中文)",
    )
    demo = commands.add_parser("demo", help="load the demo company and serve it")
    serve = commands.add_parser("serve", help="serve the web application")
    for command in (demo, serve):
        command.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")
    _production_options(serve)
    worker = commands.add_parser(
        "worker", help="run background jobs (PostgreSQL; run any number, on any machine)"
    )
    worker.add_argument("--concurrency", type=int, default=1, help="jobs run at once")
    _excel_commands(commands)
    return parser


def _production_options(serve: argparse.ArgumentParser) -> None:
    """`jixiao serve --production`: gunicorn and job workers (jixiao.production)."""
    serve.add_argument(
        "--production",
        action="store_true",
        help="gunicorn with DEBUG off on PostgreSQL, static files collected (docs/deploy.md)",
    )
    serve.add_argument(
        "--workers", type=int, help="--production: web processes (default 2 × CPUs + 1)"
    )
    serve.add_argument(
        "--timeout", type=int, default=TIMEOUT, help="--production: seconds a request may take"
    )
    serve.add_argument(
        "--job-workers",
        type=int,
        default=1,
        help="--production: `jixiao worker` processes started beside gunicorn (0: none)",
    )


def _excel_commands(commands: Any) -> None:
    """`jixiao import|export …`: the Excel services, with Django set up on demand."""
    imports = commands.add_parser("import", help="import an Excel workbook into the database")
    imports.add_argument("kind", choices=("facts", "scheme", "dictionary", "roster"))
    imports.add_argument("file", help=".xlsx file")
    imports.add_argument("--cycle", help="the cycle's code (facts)")
    imports.add_argument("--actor", default="hr", help="the user who imports (default: hr)")
    imports.add_argument("--reason", default="", help="why stored facts change")
    imports.add_argument("--output", "-o", help="where to write the annotated workbook / scheme")
    exports = commands.add_parser("export", help="export an Excel workbook from the database")
    exports.add_argument(
        "kind", choices=("template", "results", "scheme", "dictionary", "roster", "form")
    )
    exports.add_argument("--cycle", help="the cycle's code (template, results)")
    exports.add_argument("--scheme", help="the scheme's code (scheme)")
    exports.add_argument("--appraisal", type=int, help="the appraisal's id (form)")
    exports.add_argument("--actor", default="hr", help="the user who exports (default: hr)")
    exports.add_argument(
        "--output", "-o", required=True, help=".xlsx file to write (form: .pdf for a PDF)"
    )


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@contextmanager
def _opened(output: str | None) -> Iterator[TextIO]:
    """The output file (or standard output), buffered for writing in large pieces."""
    if not output:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8", buffering=1 << 20) as out:
        yield out


def _invalid(exc: DocumentError) -> int:
    print(str(exc), file=sys.stderr)
    return INVALID


def cmd_score(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        print("--format xlsx writes a workbook: give its file with --output", file=sys.stderr)
        return INVALID
    try:
        scheme = load_scheme(args.scheme)
        facts = load_facts(args.facts, period=args.period)
    except DocumentError as exc:
        return _invalid(exc)
    with language(args.language):  # traces and errors are rendered in it
        runs = score_periods(scheme, facts)
        if args.format == "table":
            _write(as_table(runs), args.output)
        elif args.format == "xlsx":
            from jixiao.results_workbook import write_workbook  # openpyxl only when asked

            write_workbook(runs, args.output, args.language)
        else:
            with _opened(args.output) as out:  # written as it is made
                if args.format == "json":
                    write_json(runs, facts.several, out)
                else:
                    write_csv(runs, out)
    failed = sum(len(run.errors) for run in runs)
    if failed:
        print(f"{failed} appraisee result(s) have errors; their total is null", file=sys.stderr)
        return SOME_ERRORS
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    with language(args.language):  # the problems are said, and printed, in it
        try:
            scheme = load_scheme(args.scheme)
        except DocumentError as exc:
            return _invalid(exc)
        return _checked(scheme)


def _checked(scheme: Scheme) -> int:
    weights = effective_weights(scheme)
    rows = [
        [
            " / ".join(item.section),
            item.code,
            item.rule.kind,
            fmt(item.full),
            fmt(weights[item.code]),
        ]
        for item in scheme.items
    ]
    print(f"{scheme.code} {scheme.name}: valid, {len(rows)} items, scale {fmt(scheme.scale)}")
    print(
        table(
            ["section", "item", "rule", "full", "weight"], rows, [False, False, False, True, True]
        )
    )
    for warning in scheme.warnings:
        print(say("warning: {message}", message=str(warning)))
    return OK


def cmd_ahp(args: argparse.Namespace) -> int:
    """Weights of one matrix, several experts' or a hierarchy (§14, §16), in the language asked."""
    from jixiao.scoring.ahp import ahp_from_file, ahp_json, ahp_text  # not on the score path

    with language(args.language):
        try:
            result = ahp_from_file(args.matrix)
        except DocumentError as exc:
            return _invalid(exc)
        if args.format == "json":
            text = json.dumps(ahp_json(result), ensure_ascii=False, indent=2)
        else:
            text = ahp_text(result)
    print(text)
    return OK


def _django(*, debug: bool) -> None:
    """Set Django up for the subcommands that need the web application (only those)."""
    if debug:
        os.environ.setdefault("DJANGO_DEBUG", "1")  # a development key is generated into var/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo company (once; running again changes nothing), print the
    logins and serve it — what `make demo` runs."""
    _django(debug=True)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo_company", address=args.address)
    return cmd_serve(args)


def cmd_serve(args: argparse.Namespace) -> int:
    if getattr(args, "production", False):
        _django(debug=False)
        from jixiao.production import serve_production

        return serve_production(args.address, args.workers, args.timeout, args.job_workers)
    _django(debug=args.command == "demo")
    from django.conf import settings
    from django.core.management import call_command

    from jixiao.jobs.services import jobs_mode
    from jixiao.jobs.threads import job_thread_start

    if not settings.DEBUG:  # WhiteNoise serves the collected, hashed files (docs/deploy.md)
        call_command("collectstatic", interactive=False, verbosity=0)
    if jobs_mode() == "thread":  # SQLite: this process runs the jobs (docs/adr/0007)
        job_thread_start()
    call_command("runserver", args.address, use_reloader=False)
    return OK


def cmd_worker(args: argparse.Namespace) -> int:
    """`jixiao worker`: a Procrastinate worker for the background jobs (PostgreSQL)."""
    _django(debug=False)
    from django.core.management import call_command

    call_command("jixiao_worker", concurrency=args.concurrency)
    return OK


def cmd_excel(args: argparse.Namespace) -> int:
    """`jixiao import|export`: the same services as the web pages (jixiao.spreadsheets)."""
    _django(debug=False)
    from jixiao.spreadsheets.commands import run_export, run_import

    return run_import(args) if args.command == "import" else run_export(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "score": cmd_score,
        "check": cmd_check,
        "ahp": cmd_ahp,
        "demo": cmd_demo,
        "serve": cmd_serve,
        "worker": cmd_worker,
        "import": cmd_excel,
        "export": cmd_excel,
    }
    try:
        return handlers[args.command](args)
    except BrokenPipeError:  # `jixiao check FILE | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK


if __name__ == "__main__":
    sys.exit(main())
