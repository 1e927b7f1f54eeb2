"""`newsspan stats` and the dataset card: counts checked against a small root counted by hand."""

import json

import pytest

from newsspan import Corpus
from newsspan.stats import statistics

from conftest import run_cli
from layers import ALICE, TAIWAN, TINY, layer, make_root, meta

DRAFT = "Draft text here.\n"
BARE = "Not annotated yet.\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    texts = {"tiny": TINY, "taiwan": TAIWAN, "draft": DRAFT, "bare": BARE}
    metas = {
        "tiny": meta("tiny", TINY, split="train"),
        "taiwan": meta("taiwan", TAIWAN, split="test", language="fr", license="unknown"),
        "draft": meta("draft", DRAFT, split="validation"),
        "bare": meta("bare", BARE, split="train"),
    }
    layers = {
        (None, "tiny"): ALICE["tiny"] | {"status": "gold"},
        (None, "taiwan"): ALICE["taiwan"],  # complete
        (None, "draft"): layer("draft", DRAFT, sections=[("paragraph", "Draft text here.")], status="draft"),
    }
    return make_root(tmp_path_factory.mktemp("stats"), texts, layers, metas)


def test_counts_of_every_document(root):
    res = run_cli("stats", "--root", root, "--format", "json")
    assert res.returncode == 0, res.stderr
    st = json.loads(res.stdout)
    assert st["documents"] == 4
    assert st["languages"] == {"en": 3, "fr": 1}
    assert st["statuses"] == {"complete": 1, "draft": 1, "gold": 1, "unannotated": 1}
    assert st["splits"] == {"test": 1, "train": 2, "validation": 1}
    assert st["licenses"] == {"CC0-1.0": 3, "unknown": 1}
    # tokens inside sections: tiny 12 + 7 ("Antony Blinken met Liu Jianchao in Washington , DC on
    # Friday ." and "Officials said the talks were useful ."), taiwan 5 + 4 ("Taiwan votes on
    # Saturday ." and "China warned Taiwan ."), draft 4 ("Draft text here ."), bare 0 (no section)
    assert st["tokens"] == 19 + 9 + 4 + 0
    # sections: tiny headline + paragraph, taiwan headline + paragraph, draft paragraph
    assert st["sections"] == {"headline": 2, "paragraph": 3}
    # tiny: PERSON Antony Blinken, Liu Jianchao; GPE Washington, DC; DATE Friday.
    # taiwan: GPE Taiwan, China, Taiwan; DATE Saturday
    assert st["mentions"] == {"DATE": 2, "GPE": 4, "PERSON": 2}
    # tiny: a journalist claim (check-worthy) and a source claim (not); taiwan: a journalist claim (check-worthy)
    assert st["claims"] == {
        "total": 3,
        "attribution": {"journalist": 2, "source": 1},
        "checkworthy": {"true": 2, "false": 1},
    }
    # spans per document (bare, draft, taiwan, tiny): sections 0, 1, 2, 2; entities 0, 0, 4, 4;
    # claims 0, 0, 1, 2; all 0, 1, 7, 8; the median of four is the mean of the middle two
    assert st["spans_per_document"] == {
        "sections": {"min": 0, "median": 1.5, "max": 2},
        "entities": {"min": 0, "median": 2, "max": 4},
        "claims": {"min": 0, "median": 0.5, "max": 2},
        "all": {"min": 0, "median": 4, "max": 8},
    }


def test_released_documents_only(root):
    st = json.loads(run_cli("stats", "--root", root, "--format", "json", "--released").stdout)
    assert st["documents"] == 2 and st["statuses"] == {"complete": 1, "gold": 1}
    assert st["tokens"] == 19 + 9
    assert st["spans_per_document"]["all"] == {"min": 7, "median": 7.5, "max": 8}


def test_text_and_markdown(root):
    res = run_cli("stats", "--root", root)
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "documents: 4 (train 2, validation 1, test 1)"
    assert "tokens: 32" in lines
    assert (
        "spans per document (min / median / max): sections 0 / 1.5 / 2, entity mentions 0 / 2 / 4, "
        "claims 0 / 0.5 / 2, all spans 0 / 4 / 8" in lines
    )
    assert lines[-1] == f"newsspan stats: 4 documents in {root}"
    md = run_cli("stats", "--root", root, "--format", "markdown").stdout
    assert md.startswith("# Corpus statistics\n\n- documents: 4 (train 2, validation 1, test 1)\n")
    assert "| `GPE` | 4 |" in md and "| `paragraph` | 3 |" in md and "| `source` | 1 |" in md


def test_the_python_function(root):
    st = statistics(Corpus(root))
    assert (st.documents, st.claims, st.tokens) == (4, 3, 32)
    assert statistics(Corpus(root), count_tokens=False).tokens is None


def test_the_card_shows_the_same_numbers(root, tmp_path):
    res = run_cli("build", "--root", root, "--out", tmp_path / "hf")
    assert res.returncode == 0, res.stdout + res.stderr
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    released = run_cli("stats", "--root", root, "--format", "markdown", "--released").stdout
    summary = [line for line in released.splitlines() if line.startswith("- ")]
    assert len(summary) == 8
    for line in summary:  # documents, languages, status, tokens (from the built rows), sections, ...
        assert line + "\n" in card, line
    tables = released[released.index("## Entity mentions per label") :]
    assert tables.replace("## ", "### ") in card


def test_help_ends_with_examples():
    res = run_cli("stats", "--help")
    assert res.returncode == 0 and res.stdout.rstrip().splitlines()[-1].strip().startswith("newsspan stats")
