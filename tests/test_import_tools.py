"""`newsspan import` of the hand-written exports in tests/fixtures/tools/ (one per tool, in that
tool's own format): the behaviours the real exports in ../shared/samples show, on a plain clone."""

from conftest import FIXTURES
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

TOOLS = FIXTURES / "tools"


def ents(root, doc_id):
    return [
        (e["label"], e["start"], e["end"], e["text"]) for e in load(root / "annotations" / f"{doc_id}.json")["entities"]
    ]


def test_brat_entities_in_and_a_warning_per_item_the_schema_cannot_hold(tmp_path):
    root = new_root(tmp_path)
    res = cli_ok(
        "import",
        "brat",
        TOOLS / "brat",
        "--root",
        root,
        "--language",
        "en",
        "--label-map",
        "Person=PERSON,Organization=ORG",
        "--label-map",
        "Money=MONEY",
    )
    assert (root / "corpus/news.txt").read_bytes() == (TOOLS / "brat/news.txt").read_bytes()
    assert ents(root, "news") == [
        ("ORG", 0, 9, "Acme Bank"),
        ("MONEY", 15, 25, "$2 million"),
        ("PERSON", 29, 40, "Maria Lopez"),
        ("PERSON", 42, 67, "a former Chilean minister"),
        ("GPE", 72, 78, "Geneva"),
    ]
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning:")]
    # one per item: the event (with its trigger T6), the relation, the attribute, the normalisation, the note
    assert len(warnings) == 5, warnings
    for what in (
        "event E1",
        "trigger T6",
        "relation R1 Alias",
        "attribute A1 Confidence",
        "normalisation N1",
        "note #1",
    ):
        assert any(what in w for w in warnings), what
    assert "annotation.conf" not in res.stderr
    validate_ok(root)


def test_labelstudio_labels_need_a_map_and_then_import(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", TOOLS / "labelstudio/tasks.json", "--root", root)
    assert "'Date' (1 span), 'Location' (1 span)" in res.stderr and "--label-map 'Date=DATE,Location=LOC'" in res.stderr
    assert snapshot(root) == {}
    cli_ok(
        "import",
        "labelstudio",
        TOOLS / "labelstudio/tasks.json",
        "--root",
        root,
        "--label-map",
        "Date=DATE,Location=GPE",
        "--language",
        "en",
    )
    (doc_id,) = [p.stem for p in (root / "annotations").glob("*.json")]
    assert ents(root, doc_id) == [("GPE", 17, 23, "Lisbon"), ("DATE", 27, 34, "March 3")]
    assert load(root / f"annotations/{doc_id}.json")["status"] == "draft"
    validate_ok(root)


def test_labelstudio_html_results_alone_are_refused_clearly(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", TOOLS / "labelstudio/html_result.json", "--root", root)
    assert "not a Label Studio export" in res.stderr
    assert snapshot(root) == {}


def test_doccano_sequence_labelling_and_relation_exports(tmp_path):
    root = new_root(tmp_path)
    cli_ok(
        "import",
        "doccano",
        TOOLS / "doccano/sequence_labeling.jsonl",
        "--root",
        root,
        "--label-map",
        "MISC=NORP",
        "--language",
        "en",
    )
    by_text = {
        (root / "corpus" / f"{p.stem}.txt").read_text(encoding="utf-8"): p.stem
        for p in (root / "annotations").glob("*.json")
    }
    assert ents(root, by_text["EU rejects Danish plan to ban Irish butter."]) == [
        ("ORG", 0, 2, "EU"),
        ("NORP", 11, 17, "Danish"),
        ("NORP", 30, 35, "Irish"),
    ]
    assert ents(root, by_text["Senator Okafor"]) == [("PERSON", 8, 14, "Okafor")]
    res = cli_ok("import", "doccano", TOOLS / "doccano/relation_extraction.jsonl", "--root", root, "--language", "en")
    assert res.stderr.count("is not imported: the schema holds no relations") == 2
    new = next(p.stem for p in (root / "corpus").glob("*.txt") if p.read_text(encoding="utf-8").startswith("Nordwind"))
    assert ents(root, new) == [
        ("ORG", 0, 8, "Nordwind"),
        ("GPE", 24, 30, "Bergen"),
        ("DATE", 34, 45, "May 2, 2001"),
        ("PERSON", 49, 57, "Ola Berg"),
    ]
    validate_ok(root)


def test_prodigy_ner_manual_answer(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "prodigy", TOOLS / "prodigy/ner_manual.jsonl", "--root", root)
    assert "FASHION_BRAND" in res.stderr and snapshot(root) == {}
    cli_ok(
        "import",
        "prodigy",
        TOOLS / "prodigy/ner_manual.jsonl",
        "--root",
        root,
        "--label-map",
        "FASHION_BRAND=ORG",
        "--language",
        "en",
    )
    (doc_id,) = [p.stem for p in (root / "annotations").glob("*.json")]
    assert ents(root, doc_id) == [("ORG", 10, 16, "Velora"), ("GPE", 32, 37, "Milan")]
    validate_ok(root)
