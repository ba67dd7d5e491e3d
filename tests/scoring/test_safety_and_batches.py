"""Two promises of the engine, as properties:

- no expression string can execute code or read anything outside its inputs;
- an appraisee scored alone gets exactly what it gets inside a batch of thousands.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.scoring import facts_from_text, scheme_from_text, score
from jixiao.scoring.errors import ExpressionError
from jixiao.scoring.expr import compile_expression
from tests.scoring.test_properties import ALONE_KEYS, MIXED, population

DANGEROUS = [
    "__import__", "open", "eval", "exec", "compile", "globals", "locals", "vars", "getattr",
    "__builtins__", "__class__", "__subclasses__", "os", "sys", "np", "numpy", "self",
    "lambda", "import", "x", "y", "1", "0", "98%", ".", ",", "(", ")", "[", "]", "{", "}",
    "'os'", '"rm -rf"', ":", "=", ":=", "+", "-", "*", "/", "**", "%", "if", "else", "and",
    "or", "not", "abs", "min", "max", "round", "sum", "count", "clamp", "for", "in", "@", ";",
]  # fmt: skip

expressions = st.one_of(
    st.lists(st.sampled_from(DANGEROUS), min_size=1, max_size=12).map(" ".join),
    st.lists(st.sampled_from(DANGEROUS), min_size=1, max_size=12).map("".join),
    st.text(max_size=40),
)


@contextmanager
def watching_builtins() -> Iterator[list[str]]:
    """Record every call of the builtins that reach outside (they still work)."""
    called: list[str] = []
    patches = []
    for name in ("open", "eval", "exec", "compile", "__import__", "getattr", "globals", "vars"):
        original = getattr(builtins, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            what = str(args[0]) if _name == "__import__" and args else ""
            if not what.startswith("numpy."):  # numpy's own lazy imports of its internals
                called.append(f"{_name} {what}".strip())
            return _original(*args, **kwargs)

        patches.append(mock.patch.object(builtins, name, spy))
    for patch in patches:
        patch.start()
    try:
        yield called
    finally:
        for patch in reversed(patches):
            patch.stop()


@settings(max_examples=400, deadline=None)
@given(expressions)
def test_no_expression_string_can_execute_code_or_read_outside_its_inputs(text: str) -> None:
    try:
        expression = compile_expression(text)
    except ExpressionError:
        return
    env = {name: np.array([2.0, 3.0]) for name in expression.names}
    with watching_builtins() as called:
        inside = expression.evaluate(env, 2)
        outside = expression.evaluate({}, 2)
    # compiled code never calls out of the evaluator: no file, no import, no eval
    # (getattr is numpy's own, on arrays; the language has no attribute access at all)
    assert not [name for name in called if name != "getattr"], (text, called)
    assert inside.values.shape == (2,)
    # names resolve from the inputs only: without them, a named expression fails — unless
    # it never needed the name (`0 and x` short-circuits), when it gives what it gives
    # with the inputs
    if expression.names:
        assert all("no value for" in m or "unknown name" in m for m in outside.errors.values())
        for row in {0, 1} - set(outside.errors):
            assert row not in inside.errors, text
            assert np.array_equal(
                outside.values[row : row + 1], inside.values[row : row + 1], equal_nan=True
            ), text


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population(), st.integers(0, 1999))
def test_one_appraisee_alone_equals_the_same_in_a_batch_of_thousands(
    people: list[str], place: int
) -> None:
    scheme = scheme_from_text(MIXED)
    crowd = [
        people[index % len(people)].replace(f"id: P{index % len(people)}\n", f"id: Q{index}\n", 1)
        for index in range(2000)
    ]
    target = people[0]
    crowd[place] = target
    batch = score(scheme, facts_from_text("appraisees:\n" + "".join(crowd)).periods[0])
    [alone] = score(scheme, facts_from_text("appraisees:\n" + target).periods[0]).results()
    in_batch = batch.result(place)
    for key in ALONE_KEYS:
        assert alone[key] == in_batch[key], key
