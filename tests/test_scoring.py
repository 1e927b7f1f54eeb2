"""newsspan.scoring: span matching and P/R/F1, checked against figures worked out by hand."""

import pytest

from newsspan.scoring import Counts, compare, exact_matches, overlap_matches, score
from newsspan.tokenize import iob2, iob2_spans


def test_counts_figures():
    c = Counts(matched=3, gold=4, predicted=6)
    assert (c.precision, c.recall) == (0.5, 0.75)
    assert c.f1 == pytest.approx(2 * 0.5 * 0.75 / (0.5 + 0.75)) == pytest.approx(0.6)
    assert Counts(0, 0, 0).f1 == Counts(0, 0, 0).precision == Counts(0, 0, 0).recall == 0.0
    assert Counts(0, 2, 0).precision == 0.0 and Counts(0, 0, 2).recall == 0.0
    assert Counts(1, 2, 3) + Counts(4, 5, 6) == Counts(5, 7, 9)


def test_exact_needs_start_end_and_label_and_uses_each_span_once():
    gold = [(0, 5, "PERSON"), (10, 15, "GPE"), (20, 25, "ORG")]
    pred = [(0, 5, "PERSON"), (0, 5, "PERSON"), (10, 14, "GPE"), (20, 25, "GPE")]
    assert exact_matches(gold, pred) == 1  # the duplicate matches nothing more
    assert exact_matches(gold + [(0, 5, "PERSON")], pred) == 2  # two gold copies, two predicted copies


def test_overlap_is_a_largest_one_to_one_pairing():
    gold = [(0, 10, "GPE"), (5, 6, "GPE")]
    pred = [(0, 6, "GPE"), (8, 9, "GPE")]
    assert overlap_matches(gold, pred) == 2  # greedy in order would pair (0, 10) with (0, 6) and stop at 1
    assert overlap_matches([(0, 10, "GPE")], [(2, 3, "GPE"), (4, 5, "GPE")]) == 1  # one gold span, matched once
    assert overlap_matches([(0, 5, "GPE")], [(5, 9, "GPE")]) == 0  # touching is no overlap: [0, 5) and [5, 9)
    assert overlap_matches([(0, 5, "GPE")], [(4, 9, "ORG")]) == 0  # another label
    assert overlap_matches([], [(0, 1, "X")]) == overlap_matches([(0, 1, "X")], []) == 0


def test_overlap_on_a_long_chain():
    # gold [2k, 2k+2) and predicted [2k+1, 2k+3) overlap their neighbours: a chain of 2n spans with n pairs
    n = 300
    gold = [(2 * k, 2 * k + 2, "X") for k in range(n)]
    pred = [(2 * k + 1, 2 * k + 3, "X") for k in range(n)]
    assert overlap_matches(gold, pred) == n


def test_compare_and_score_per_label_and_overall():
    doc1 = ([(0, 5, "PERSON"), (10, 15, "GPE")], [(0, 5, "PERSON"), (11, 15, "GPE"), (20, 22, "ORG")])
    doc2 = ([(0, 3, "GPE")], [(0, 3, "GPE")])
    assert compare(*doc1) == {"GPE": Counts(0, 1, 1), "ORG": Counts(0, 0, 1), "PERSON": Counts(1, 1, 1)}
    overall, per_label = score([doc1, doc2])
    assert overall == Counts(2, 3, 4)  # 3 gold spans, 4 predicted, 2 exact matches: precision 2/4, recall 2/3
    assert per_label["GPE"] == Counts(1, 2, 2)
    overall, per_label = score([doc1, doc2], "overlap")
    assert overall == Counts(3, 3, 4) and per_label["GPE"] == Counts(2, 2, 2)  # (11, 15) overlaps (10, 15)
    with pytest.raises(ValueError):
        score([doc1], "partial")


def test_iob2_spans_reads_what_iob2_writes_and_reads_strictly():
    tags = iob2(7, [(0, 2), (2, 3), (4, 7)], ["PERSON", "GPE", "ORG"])
    assert iob2_spans(tags) == [(0, 2, "PERSON"), (2, 3, "GPE"), (4, 7, "ORG")]
    # an I- tag that continues nothing marks nothing (seqeval's strict IOB2 mode)
    assert iob2_spans(["I-GPE", "O", "B-GPE", "I-ORG", "B-X", "B-X", "I-X"]) == [
        (2, 3, "GPE"),
        (4, 5, "X"),
        (5, 7, "X"),
    ]
