"""The CSV long format read in bulk (facts_csv.read_bulk) gives the FactSet the careful
row-by-row reader gives — the same appraisees, names, values, numbers and order — and
a file with a problem is read by the careful reader, which names the problem."""

from __future__ import annotations

import csv
import gzip
import io
from typing import Any

import numpy as np
import pytest

from jixiao.scoring import FactsError, facts_from_csv, facts_io
from jixiao.scoring.facts import floats
from jixiao.scoring.facts_csv import read_bulk
from tests.scoring.golden_cases import GOLDEN

HEADER = "appraisee,item,kind,key,value\n"


def same(a: Any, b: Any, where: str = "facts") -> None:
    """Equal, down to the type of every value and the order of every mapping."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype.kind == b.dtype.kind and a.shape == b.shape, where
        if a.dtype == object:
            for x, y in zip(a.tolist(), b.tolist(), strict=True):
                assert type(x) is type(y) and (x == y or (x != x and y != y)), (where, x, y)
        else:
            assert np.array_equal(a, b, equal_nan=True), where
    elif isinstance(a, dict):
        assert list(a) == list(b), (where, list(a), list(b))
        for key in a:
            same(a[key], b[key], f"{where}.{key}")
    elif hasattr(a, "__dataclass_fields__"):
        for key in a.__dataclass_fields__:
            same(getattr(a, key), getattr(b, key), f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{index}]")
    else:
        assert type(a) is type(b) and a == b, (where, a, b)


def careful(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patched:
        patched.setattr(facts_io, "read_bulk", lambda text, period: None)
        return facts_from_csv(text).periods[0]


def every_option(lineterminator: str = "\n", quoting: int = csv.QUOTE_MINIMAL) -> str:
    text = gzip.decompress((GOLDEN / "every-option.facts.csv.gz").read_bytes()).decode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator, quoting=quoting)
    writer.writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        every_option(),
        every_option("\r\n"),
        every_option(quoting=csv.QUOTE_ALL),
        HEADER + 'E1,,attribute,name,"王, 芳"\nE1,K1,value,,"1,000"\n',
    ],
    ids=["plain", "crlf", "quoted", "comma-in-a-name"],
)
def test_bulk_reading_gives_what_the_careful_reader_gives(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = read_bulk(text, None)
    assert bulk is not None
    same(bulk, careful(text, monkeypatch))


ORDER = (
    HEADER
    + """\
E2,K2,event,late,1
,level=员工,group,pool,1000
E1,,attribute,department,D1
E2,K1,rating,boss,良
E1,K1,rating,boss,优
E2,K2,event,late,2
E1,K2,event,late,3
E2,,attribute,name,王芳
E1,,input,safety,ok
E2,,input,safety,minor
E1,K3,value,,0.93
E1,,adjustment,奖励,3
E1,,adjustment,奖励,2
E2,K4,score,,88
E2,K5,event,error,0
E1,K1,input,target,100
E2,,attribute,name,王小芳
"""
)


def wide_cells() -> str:
    """Ids of several words, ids that differ only past the eighth byte, a cell wider
    than the widest the bytes reader compares as words (64 bytes)."""
    rows = []
    for i in range(40):
        who = f"公司-部门-员工-{i:04d}" if i % 2 else f"EMPLOYEE{i:02d}"
        rows.append(f"{who},K1,value,,{i % 7}.5")
        rows.append(f"{who},,attribute,department,研发中心第{i % 3}事业部")
        rows.append(f"{who},K2,rating,supervisor,{'优良中差'[i % 4]}")
    rows.append("EMPLOYEE00,,attribute,note," + "很长的说明" * 10)
    return HEADER + "\n".join(rows) + "\n"


@pytest.mark.parametrize("text", [wide_cells(), wide_cells().replace("很长的说明" * 10, "短")])
def test_wide_cells_and_long_ids_are_read_as_the_careful_reader_reads_them(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = read_bulk(text, None)
    assert bulk is not None
    same(bulk, careful(text, monkeypatch))
    assert len(bulk.ids) == 40


def test_order_counts_lists_and_names_are_the_careful_readers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bulk = read_bulk(ORDER, None)
    assert bulk is not None
    same(bulk, careful(ORDER, monkeypatch))
    assert bulk.ids == ["E2", "E1"] and bulk.names == ["王小芳", None]
    assert list(bulk.items) == ["K1", "K3", "K4", "K2", "K5"]  # events-only items last
    late = bulk.items["K2"].events["late"]
    assert late.count.tolist() == [2, 3] and late.listed.tolist() == [True, False]
    assert bulk.groups == {"level": {"员工": {"pool": 1000}}}


def test_the_numbers_are_converted_once_when_the_facts_are_read() -> None:
    bulk = read_bulk(ORDER, None)
    assert bulk is not None
    column = bulk.items["K3"].value
    assert column is not None
    numbers = floats(column)
    assert numbers is floats(column)  # not converted again
    assert numbers.tolist()[1] == 0.93 and np.isnan(numbers[0])
    with pytest.raises(ValueError):
        numbers[0] = 1.0  # read-only: nobody changes the facts by accident


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("E1,K1,value,,1\n\nE1,K2,value,,2\n", None),  # a blank line is skipped
        ("E1,K1,value,,1\nE1,K1,value,,2\n", "the value of 'K1' is given twice"),
        ("E1,K1,value,1\n", "expected 5 columns, got 4"),
        ("E1,K1,colour,,1\n", "unknown kind 'colour'"),
        (",K1,value,,1\n", "the appraisee column is empty"),
        ("E1,K1,score,,good\n", "a score must be a number"),
        ("E1,K1,event,late,1.5\n", "an event is a count"),
        ("E1,K1,event,late,-1\nE1,K1,event,late,2\n", "a size must be a number >= 0"),
        ("E1,,adjustment,奖励,many\n", "an amount must be a number"),
        (",level,group,pool,1\n", "a group row names its group as attribute=value"),
        ("E1,,attribute,department,A\nE1,,attribute,department,B\n", "given twice"),
    ],
)
def test_a_problem_is_named_by_the_careful_reader(body: str, message: str | None) -> None:
    text = HEADER + body
    assert read_bulk(text, None) is None  # refused in bulk
    if message is None:
        assert facts_from_csv(text).periods[0].ids == ["E1"]
        return
    with pytest.raises(FactsError) as raised:
        facts_from_csv(text)
    assert message in str(raised.value)
