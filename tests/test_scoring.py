"""newsspan.scoring: span matching, P/R/F1 and the kinds of difference, checked against figures worked out by hand."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspan.model import Entity
from newsspan.scoring import (
    Counts,
    compare,
    differences,
    exact_pairs,
    overlap_pairs,
    score,
)
from newsspan.tokenize import iob2_spans, tag, tokenize


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
    assert len(exact_pairs(gold, pred)) == 1  # the duplicate matches nothing more
    assert len(exact_pairs(gold + [(0, 5, "PERSON")], pred)) == 2  # two gold copies, two predicted copies
    assert len(exact_pairs([[0, 5, "PERSON"]], [[0, 5, "PERSON"]])) == 1  # spans read from JSON come as lists
    # a span given twice pairs with the other side's copies in order
    assert exact_pairs([(0, 1, "X"), (0, 1, "X"), (2, 3, "Y")], [(2, 3, "Y"), (0, 1, "X")]) == [(0, 1), (2, 0)]


def test_overlap_is_a_largest_one_to_one_pairing():
    gold = [(0, 10, "GPE"), (5, 6, "GPE")]
    pred = [(0, 6, "GPE"), (8, 9, "GPE")]
    # [0, 10) first tries [0, 6) (the larger overlap), then gives it up to [5, 6) and takes [8, 9):
    # two pairs, where a greedy pairing in order would stop at one
    assert overlap_pairs(gold, pred) == [(0, 1), (1, 0)]
    assert overlap_pairs([(0, 10, "X")], [(0, 2, "X"), (3, 9, "X")]) == [(0, 1)]  # the larger overlap wins
    assert len(overlap_pairs([(0, 10, "GPE")], [(2, 3, "GPE"), (4, 5, "GPE")])) == 1  # one gold span, matched once
    assert len(overlap_pairs([(0, 5, "GPE")], [(5, 9, "GPE")])) == 0  # touching is no overlap: [0, 5) and [5, 9)
    assert len(overlap_pairs([(0, 5, "GPE")], [(4, 9, "ORG")])) == 0  # another label
    assert overlap_pairs([], [(0, 1, "X")]) == overlap_pairs([(0, 1, "X")], []) == []


def test_overlap_on_a_long_chain():
    # gold [2k, 2k+2) and predicted [2k+1, 2k+3) overlap their neighbours: a chain of 2n spans with n
    # pairs, found by augmenting paths as long as the chain (no recursion to overflow)
    n = 1200  # more than Python's default recursion limit
    gold = [(2 * k, 2 * k + 2, "X") for k in range(n)]
    pred = [(2 * k + 1, 2 * k + 3, "X") for k in reversed(range(n))]
    assert len(overlap_pairs(gold, pred)) == n


def test_compare_and_score_per_label_and_overall():
    doc1 = ([(0, 5, "PERSON"), (10, 15, "GPE")], [(0, 5, "PERSON"), (11, 15, "GPE"), (20, 22, "ORG")])
    doc2 = ([(0, 3, "GPE")], [(0, 3, "GPE")])
    assert compare(*doc1) == {"GPE": Counts(0, 1, 1), "ORG": Counts(0, 0, 1), "PERSON": Counts(1, 1, 1)}
    overall, per_label = score([doc1, doc2])
    assert overall == Counts(2, 3, 4)  # 3 gold spans, 4 predicted, 2 exact matches: precision 2/4, recall 2/3
    assert per_label["GPE"] == Counts(1, 2, 2)
    overall, per_label = score([doc1, doc2], "overlap")
    assert overall == Counts(3, 3, 4) and per_label["GPE"] == Counts(2, 2, 2)  # (11, 15) overlaps (10, 15)
    with pytest.raises(ValueError, match="unknown mode 'partial'"):
        score([doc1], "partial")


def test_differences():
    gold = [(0, 5, "PERSON"), (10, 15, "GPE"), (20, 25, "ORG"), (30, 35, "DATE"), (40, 45, "GPE")]
    pred = [(0, 5, "PERSON"), (9, 15, "GPE"), (20, 24, "GPE"), (50, 55, "NORP")]
    assert sorted(differences(gold, pred), key=str) == sorted(
        [
            ("boundary", 1, 1),  # same label, overlapping, other offsets
            ("label", 2, 2),  # unpaired, overlapping, another label
            ("missed", 3, None),
            ("missed", 4, None),
            ("extra", None, 3),
        ],
        key=str,
    )
    assert differences(gold, gold) == []
    # a span paired by label is no label difference of another span it overlaps
    assert differences([(0, 10, "A")], [(0, 10, "A"), (5, 6, "B")]) == [("extra", None, 1)]


spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("AB")).map(lambda t: (t[0], t[0] + t[1], t[2])),
    max_size=8,
)


@given(spans, spans)
def test_pairs_agree_with_the_counts(gold, pred):
    # as many exact pairs as spans the two sides have in common, copies counted
    assert len(exact_pairs(gold, pred)) == sum((Counter(gold) & Counter(pred)).values())
    for pairs, overlapping in ((overlap_pairs(gold, pred), True), (exact_pairs(gold, pred), False)):
        assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
        for i, j in pairs:
            g, p = gold[i], pred[j]
            assert g[2] == p[2]
            assert (g[0] < p[1] and p[0] < g[1]) if overlapping else g == p


@given(spans, spans)
def test_differences_account_for_every_span(gold, pred):
    found = differences(gold, pred)
    paired = overlap_pairs(gold, pred)
    assert {(i, j) for k, i, j in found if k == "boundary"} == {(i, j) for i, j in paired if gold[i][:2] != pred[j][:2]}
    # every span is in one overlap pair, or in one label difference, or missed (extra)
    golds = [i for i, _ in paired] + [i for k, i, _ in found if k in ("label", "missed")]
    preds = [j for _, j in paired] + [j for k, _, j in found if k in ("label", "extra")]
    assert sorted(golds) == list(range(len(gold))) and sorted(preds) == list(range(len(pred)))
    for kind, i, j in found:
        if kind == "label":
            assert gold[i][2] != pred[j][2] and gold[i][0] < pred[j][1] and pred[j][0] < gold[i][1]


def test_iob2_spans_reads_what_tag_writes_and_reads_strictly():
    text = "Antony Blinken met officials of Beijing"
    tokens = tokenize(text)
    entities = [Entity("e1", 0, 14, "Antony Blinken", "PERSON"), Entity("e2", 32, 39, "Beijing", "GPE")]
    tags = tag(tokens, entities)
    assert tags == ["B-PERSON", "I-PERSON", "O", "O", "O", "B-GPE"]
    assert iob2_spans(tags) == [(0, 2, "PERSON"), (5, 6, "GPE")]
    # an I- tag that continues nothing marks nothing (seqeval's strict IOB2 mode)
    assert iob2_spans(["I-GPE", "O", "B-GPE", "I-ORG", "B-X", "B-X", "I-X"]) == [
        (2, 3, "GPE"),
        (4, 5, "X"),
        (5, 7, "X"),
    ]
