"""A worker for test_jobs_queue.py: `python -m tests.apps.job_worker CONCURRENCY`, which
knows the test kind of job besides the product's."""

from __future__ import annotations

import sys

import django

if __name__ == "__main__":
    django.setup()
    from django.core.management import call_command

    import tests.apps.job_kinds  # noqa: F401  (registers the test kind)

    call_command("jixiao_worker", concurrency=int(sys.argv[1]))
