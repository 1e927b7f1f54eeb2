"""Inputs that once took quadratic time finish: each runs, through the public function that was
slow, on an input large enough that a quadratic pass would take hours, in a forked child with a
timeout generous enough for any machine. No timing is asserted: a linear pass takes a second."""

import re

import pytest

from newsspan import files
from newsspan.checks.annotation import Context, span_text_mismatch
from newsspan.edit.add import parse_published, split_authors
from newsspan.model import well_formed
from newsspan.text import first_non_canonical
from newsspan.tokenize import tokenize

from conftest import in_fork

UNTERMINATED = "[" * 65 + '"' + '\\"' * 1_000_000  # an unterminated string full of escaped quotes


def stale_quotes():
    """100,000 spans whose quotes are not where their offsets say, over a long text."""
    text = "ab" * 500_000
    ann, places = well_formed(
        {"entities": [{"start": 2 * i + 1, "end": 2 * i + 2, "text": "c"} for i in range(100_000)]}
    )
    return sum(1 for _ in span_text_mismatch(ann, Context.of(ann, places, "x", text, None)))


HOSTILE = {
    "escaped quotes in an unterminated string (depth scan)": (
        lambda: [p.check for p in files.bounds(UNTERMINATED)],
        ["json-too-deep"],
    ),
    "runs of 3,999 digits (huge-number scan)": (lambda: files.bounds(("1" * 3999 + ",") * 2000), []),
    "escaped quotes in a JSON file (strict reader)": (
        lambda: [p.check for p in files.read_json(UNTERMINATED.encode(), "annotation").problems],
        ["json-too-deep"],
    ),
    "a million combining marks (NFC search)": (
        lambda: first_non_canonical("x" + "\u0301" * 1_000_000 + "e\u0301")[0],
        1_000_001,  # "x" takes any number of marks; "e" and its acute compose to "é"
    ),
    "a URL of dots ending in a letter (tokenizer)": (lambda: len(tokenize("http://" + "." * 1_000_000 + "x")), 1),
    "a blank run in a byline (author split)": (
        lambda: [len(a) for a in split_authors("a" + " " * 1_000_000 + "b")],
        [1_000_002],  # one author: no separator
    ),
    "a letter run before a date (dateline parse)": (lambda: parse_published("a" * 1_000_000 + " 5, 2024"), None),
    "100,000 stale spans over a long text (quote search)": (stale_quotes, 100_000),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_once_quadratic_inputs_finish(case):
    fn, expected = HOSTILE[case]
    try:
        got = in_fork(fn, timeout=120)
    except TimeoutError:
        pytest.fail(f"{case}: did not finish in 2 minutes (super-linear again?)")
    assert got == expected


def test_the_inputs_are_large_enough_to_tell_quadratic_from_linear():
    """Not vacuous: the string pattern the reader once used does not finish on the first input."""
    old = re.compile(r'"(?:[^"\\]|\\.)*"')
    with pytest.raises(TimeoutError):
        in_fork(lambda: old.sub("", UNTERMINATED), timeout=3)
