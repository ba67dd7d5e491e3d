"""How a long service says how far it has come, without knowing who listens.

A service calls `progress_report(stage=gettext_noop("…"), done=i, total=n)` as it
goes; outside a background job nothing listens and the call costs nothing. The job
runner (jixiao.jobs) installs a listener for the job it runs, which stores the stage
(an untranslated message id, translated when someone reads it) and the counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int | None, int | None], None]

_listener: ContextVar[Listener | None] = ContextVar("jixiao_progress_listener", default=None)


def progress_report(*, stage: str, done: int | None = None, total: int | None = None) -> None:
    """Report the stage (a message id marked with `gettext_noop`) and done/total."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


@contextmanager
def progress_listening(listener: Listener) -> Iterator[None]:
    """Send every `progress_report` made inside the block to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
