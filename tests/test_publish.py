"""What a published release carries: the texts whose license lets them travel, the others as
standoff only (offsets, labels, ids, a hash of each quote), and a card that is a datasheet the
Hub's parser reads. (`hatch_build.py` ships `newsspan.publish.shipped`; the wheel itself is built
in test_wheel_install.py.)"""

import json
import re
from pathlib import Path

import pytest
from huggingface_hub import DatasetCard, DatasetCardData

from newsspan import publish, schema

from conftest import REPO, seed_root
from corpus_maker import add_document
from hf_util import SEED, annotation, cli, corpus_text, front_matter

GUM = {
    "corpus": "GUM",
    "document": "GUM_news_talks",
    "version": "9.2",
    "url": "https://github.com/amir-zeldes/gum",
    "license": "CC-BY-4.0",
    "citation": "Zeldes, Amir (2017). The GUM Corpus. Language Resources and Evaluation 51(3).",
}
WIKINEWS = "https://en.wikinews.org/wiki/Talks_resume"


def seed_lines() -> list[str]:
    """The sentences of the seed article's prose (its paragraphs and headings; the headline is the
    title, metadata that travels), as long as a sentence is."""
    ann = annotation(REPO, SEED)
    prose = [s["text"] for s in ann["sections"] if s["label"] in ("paragraph", "heading", "quote", "author_bio")]
    return [x for text in prose for x in re.split(r"(?<=[.?!]) ", text) if len(x) >= 20]


def mixed_root(dst):
    """The seed article (license unknown) plus a CC BY 2.5 article derived from GUM."""
    seed_root(dst)
    text = "Talks resume in Geneva\n\nDiplomats from Norway met in Geneva on Monday, officials said.\n"
    add_document(
        dst,
        "wikinews-talks",
        text,
        license="CC-BY-2.5",
        sections=[("headline", "Talks resume in Geneva"), ("paragraph", text.split("\n")[2])],
        entities=[("GPE", "Geneva"), ("NORP", "Norway"), ("GPE", "Geneva", 1), ("DATE", "Monday")],
        claims=[("Diplomats from Norway met in Geneva on Monday",)],
    )
    meta_path = dst / "corpus" / "wikinews-talks.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta |= {"schema_version": "1.1.0", "url": WIKINEWS, "source": "Wikinews", "derived_from": GUM}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return dst


# which texts travel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("license", "travels"),
    [("CC-BY-2.5", True), ("CC-BY-SA-4.0", True), ("CC0-1.0", True), ("unknown", False), ("Apache-2.0", False)],
)
def test_the_license_decides_which_texts_travel(license, travels):
    assert publish.travels({"license": license}) is travels
    assert schema.redistributable(license) is travels  # the one allow-list, in the schema


def test_the_wheel_ships_the_seed_as_standoff_only(tmp_path):
    files = publish.shipped(seed_root(tmp_path / "seed"), "9.9", tmp_path / "shipped")
    assert sorted(files.values()) == ["release.json", f"standoff/{SEED}.json"]
    shipped = "".join(Path(src).read_text(encoding="utf-8") for src in files)
    assert not [line for line in seed_lines() if line in shipped]
    form = json.loads((tmp_path / "shipped" / "standoff" / f"{SEED}.json").read_text(encoding="utf-8"))
    ann, meta = annotation(REPO, SEED), json.loads((REPO / "corpus" / f"{SEED}.meta.json").read_text(encoding="utf-8"))
    assert form["meta"] == meta and form["length"] == len(corpus_text(REPO, SEED))
    for layer in ("sections", "entities", "claims"):
        for orig, kept in zip(ann[layer], form["annotation"][layer], strict=True):
            assert "text" not in kept and kept["quote_sha256"] == publish.quote_hash(orig["text"])
            assert {k: v for k, v in kept.items() if k != "quote_sha256"} == {
                k: v for k, v in orig.items() if k != "text"
            }
    record = json.loads((tmp_path / "shipped" / "release.json").read_text(encoding="utf-8"))
    assert record["newsspan"] == "9.9" and record["withheld"] == [SEED] and record["published"] == []
    assert set(record["corpus"]) == {"commit", "dirty"}


def test_a_text_that_may_travel_is_shipped_whole(tmp_path):
    root = mixed_root(tmp_path / "root")
    files = publish.shipped(root, "9.9", tmp_path / "out")
    assert {dest for dest in files.values() if "wikinews" in dest} == {
        "corpus/wikinews-talks.txt",
        "corpus/wikinews-talks.meta.json",
        "annotations/wikinews-talks.json",
    }
    assert f"corpus/{SEED}.txt" not in files.values()


def test_attribution_spans_are_hashed_too():
    claim = {
        "id": "c1",
        "start": 0,
        "end": 4,
        "text": "Rain",
        "attribution": {"type": "source", "cue": {"start": 5, "end": 9, "text": "said"}},
    }
    out = publish.hashed(claim)
    assert out["quote_sha256"] == publish.quote_hash("Rain") and "text" not in out
    assert out["attribution"] == {
        "type": "source",
        "cue": {"start": 5, "end": 9, "quote_sha256": publish.quote_hash("said")},
    }


# build --publish -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = mixed_root(tmp_path_factory.mktemp("pub") / "root")
    (root / "docs").mkdir()
    res = cli("build", "--root", root, "--publish", "--out", root / "release")
    assert res.returncode == 0, res.stdout + res.stderr
    return root, root / "release", res


def test_build_publish_holds_only_texts_that_travel(published, tmp_path):
    from datasets import load_dataset

    _, out, res = published
    assert f"withheld 1 text (license): {SEED}" in res.stdout
    ds = load_dataset(str(out), "documents", cache_dir=str(tmp_path))
    assert [r["id"] for split in ds for r in ds[split]] == ["wikinews-talks"]
    assert sorted(p.name for p in (out / "standoff").iterdir()) == [f"{SEED}.json"]
    everything = "".join(p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file())
    assert not [line for line in seed_lines() if line in everything]
    record = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert (record["published"], record["withheld"]) == (["wikinews-talks"], [SEED])


def test_the_card_is_a_datasheet_the_hub_parses(published):
    _, out, _ = published
    card = DatasetCard.load(out / "README.md")
    data = card.data
    assert isinstance(data, DatasetCardData)
    assert data.pretty_name == "newsspan"
    assert data.license == ["cc-by-2.5", "cc-by-4.0"]  # the text's, and the GUM annotations'
    assert data.language == ["en"] and data.language_creators == ["found"]
    assert data.annotations_creators == ["expert-generated", "found"]
    assert data.source_datasets == ["original", "extended|GUM"]
    assert "token-classification" in data.task_categories and "named-entity-recognition" in data.task_ids
    assert data.size_categories == ["n<1K"]
    assert [c["config_name"] for c in data.configs] == ["documents", "entities", "claims", "sections"]
    assert "@misc{newsspan" in data.citation
    assert set(data.newsspan) == {"version", "corpus_commit", "corpus_dirty"}
    for heading in (
        "Motivation",
        "Composition",
        "Collection process",
        "Preprocessing and labelling",
        "Uses",
        "Distribution",
        "Maintenance",
    ):
        assert f"\n## {heading}\n" in card.text, heading
    assert f"| `wikinews-talks` | `CC-BY-2.5` | {WIKINEWS} | GUM |" in card.text
    assert GUM["citation"] in card.text
    assert f"| `{SEED}` | `unknown` | unknown |" in card.text and "newsspan rehydrate" in card.text
    assert "Inter-annotator agreement: not measured." in card.text


def test_other_licenses_are_named(tmp_path):
    root = mixed_root(tmp_path / "root")
    meta_path = root / "corpus" / "wikinews-talks.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps(meta | {"license": "CC-BY-1.0"}), encoding="utf-8")
    assert cli("build", "--root", root, "--publish").returncode == 0
    fm = front_matter(root / "build" / "hf")
    assert fm["license"] == ["cc-by-4.0", "other"] and fm["license_name"] == "CC-BY-1.0"
    assert fm["license_link"] == "https://spdx.org/licenses/CC-BY-1.0.html"


def test_the_card_shows_measured_agreement(tmp_path):
    root = mixed_root(tmp_path / "root")
    (root / "docs").mkdir()
    counts = {"a": 4, "b": 4, "matched": 3, "missed": 1, "extra": 1, "precision": 0.75, "recall": 0.75, "f1": 0.75}
    kappa = {"items": 10, "observed": 0.9, "expected": 0.5, "kappa": 0.8}
    pair = {
        "a": "alice",
        "b": "bob",
        "documents": ["wikinews-talks"],
        "layers": {"entities": {"exact": {"all": counts, "labels": {"GPE": counts}}, "overlap": {}}},
        **dict.fromkeys(("sections_kappa", "claims_attribution", "claims_checkworthy"), kappa),
    }
    (root / "docs" / "agreement-results.json").write_text(json.dumps([pair]), encoding="utf-8")
    assert cli("build", "--root", root, "--publish").returncode == 0
    card = (root / "build" / "hf" / "README.md").read_text(encoding="utf-8")
    assert "| alice / bob | entities | all | 0.750 | 0.750 | 0.750 |" in card
    assert "| alice / bob | entities | GPE | 0.750 | 0.750 | 0.750 |" in card
    assert "sections_kappa 0.800" in card and "not measured" not in card


def test_publishing_nothing_that_travels_is_refused(tmp_path):
    root = seed_root(tmp_path / "root")
    res = cli("build", "--root", root, "--publish")
    assert res.returncode == 1 and "nothing to publish" in res.stderr and SEED in res.stderr
    assert not (root / "build" / "hf").exists()
    assert cli("build", "--root", root).returncode == 0  # a plain build keeps every text
