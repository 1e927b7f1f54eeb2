"""`newsspan import`: tool exports (the real samples in ../shared/samples, skipped without it, and written cases) into the corpus."""

import json
import zipfile

import pytest

from conftest import samples
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

EMOJI = "👨🏻‍🚒 firemen drive firetrucks in Springfield."  # firetrucks: code points 19-29, UTF-16 22-32


def ents(root, doc_id, annotator=None):
    path = root / "annotations" / (f"annotators/{annotator}/" if annotator else "") / f"{doc_id}.json"
    return [(e["label"], e["start"], e["end"], e["text"]) for e in load(path)["entities"]]


def only_doc(root):
    ids = sorted(p.name[:-4] for p in (root / "corpus").glob("*.txt"))
    assert len(ids) == 1, ids
    return ids[0]


# brat -------------------------------------------------------------------------------------------


def test_brat_sample_imports_entities_and_warns_for_what_the_schema_cannot_hold(tmp_path):
    root = new_root(tmp_path)
    res = cli_ok(
        "import",
        "brat",
        samples("brat"),
        "--root",
        root,
        "--language",
        "en",
        "--label-map",
        "Person=PERSON,Organization=ORG",
        "--label-map",
        "Money=MONEY",
    )
    doc_id = "000-introduction"
    text = (root / f"corpus/{doc_id}.txt").read_text(encoding="utf-8")
    assert text == (samples("brat/000-introduction.txt")).read_text(encoding="utf-8")
    assert ents(root, doc_id) == [
        ("ORG", 418, 426, "Citibank"),
        ("MONEY", 456, 468, "$100 million"),
        ("PERSON", 473, 496, "Raul Salinas de Gortari"),
        ("PERSON", 511, 535, "former Mexican president"),
        ("ORG", 540, 545, "banks"),
        ("GPE", 549, 560, "Switzerland"),
    ]
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning:")]
    # one warning per item: 1 event (with its trigger), 2 relations, 5 attributes, 1 normalisation, 1 note
    assert len(warnings) == 10, warnings
    for what in (
        "event E1",
        "relation R1 Family",
        "relation R2 Origin",
        "attribute A5 Confidence",
        "normalisation N1",
        "note #1",
    ):
        assert any(what in w for w in warnings), what
    assert "annotation.conf" not in res.stderr  # other files of the folder are ignored
    validate_ok(root)


def test_brat_discontinuous_span_is_a_warning(tmp_path):
    src = tmp_path / "export"
    src.mkdir()
    (src / "doc.txt").write_text("New York and New Jersey officials met.\n", encoding="utf-8")
    (src / "doc.ann").write_text(
        "T1\tGPE 0 8\tNew York\nT2\tGPE 0 3;13 23\tNew New Jersey\nT3\tGPE 13 23\tNew Jersey\n"
        "R1\tNear Arg1:T1 Arg2:T3\t\n",
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_ok("import", "brat", src, "--root", root, "--language", "en")
    assert "doc.ann:2" in res.stderr and "discontinuous" in res.stderr
    assert "doc.ann:4" in res.stderr and "relation R1 Near" in res.stderr
    assert ents(root, "doc") == [("GPE", 0, 8, "New York"), ("GPE", 13, 23, "New Jersey")]
    validate_ok(root)


def test_brat_quote_mismatch_is_an_error_naming_the_line(tmp_path):
    src = tmp_path / "export"
    src.mkdir()
    (src / "doc.txt").write_text("Paris is in France.\n", encoding="utf-8")
    (src / "doc.ann").write_text("T1\tGPE 1 6\tParis\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "brat", src, "--root", root)
    assert "doc.ann:1" in res.stderr and "'Paris'" in res.stderr and "[0, 5)" in res.stderr
    assert snapshot(root) == {}


# Label Studio -----------------------------------------------------------------------------------


def test_labelstudio_sample(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", samples("labelstudio/named_entity_annotation_1.json"), "--root", root)
    assert "'Date'" in res.stderr and "--label-map 'Date=DATE'" in res.stderr
    cli_ok(
        "import",
        "labelstudio",
        samples("labelstudio/named_entity_annotation_1.json"),
        "--root",
        root,
        "--label-map",
        "Date=DATE",
        "--language",
        "en",
    )
    doc_id = only_doc(root)
    assert ents(root, doc_id) == [("DATE", 343, 354, "February 22")]
    ann = load(root / f"annotations/{doc_id}.json")
    assert ann["status"] == "draft" and [s["label"] for s in ann["sections"]][:2] == ["headline", "paragraph"]
    validate_ok(root)


def test_labelstudio_html_results_are_refused_clearly(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails(
        "import",
        "labelstudio",
        samples("labelstudio/html_document_hypertextlabels_result_excerpt.json"),
        "--root",
        root,
    )
    assert "not a Label Studio export" in res.stderr
    task = {
        "id": 7,
        "data": {"text": "Michael works at Company Name."},
        "annotations": [
            {
                "id": 1,
                "result": json.loads(
                    (samples("labelstudio/html_document_hypertextlabels_result_excerpt.json")).read_text()
                ),
            }
        ],
    }
    path = tmp_path / "html.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    res = cli_ok("import", "labelstudio", path, "--root", root, "--language", "en")
    assert res.stderr.count("'hypertextlabels' is not imported") == 2


def ls_task(text, *annotations, tid=1):
    return {
        "id": tid,
        "data": {"text": text},
        "annotations": [
            {
                "id": 100 + k,
                "completed_by": who,
                "result": [
                    {
                        "id": f"r{k}{j}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": s, "end": e, "text": t, "labels": [lab]},
                    }
                    for j, (s, e, t, lab) in enumerate(spans)
                ],
            }
            for k, (who, spans) in enumerate(annotations)
        ],
    }


def test_labelstudio_two_annotators_go_to_their_own_files(tmp_path):
    text = "Angela Merkel met Emmanuel Macron in Berlin.\n"
    path = tmp_path / "ls.json"
    path.write_text(
        json.dumps(
            [
                ls_task(
                    text,
                    ("jane.doe@example.org", [(0, 13, "Angela Merkel", "Person"), (37, 43, "Berlin", "Location")]),
                    (7, [(0, 13, "Angela Merkel", "Person"), (18, 33, "Emmanuel Macron", "Person")]),
                )
            ]
        )
    )
    root = new_root(tmp_path)
    cli_ok(
        "import", "labelstudio", path, "--root", root, "--label-map", "Person=PERSON,Location=GPE", "--language", "en"
    )
    doc_id = only_doc(root)
    assert ents(root, doc_id, "jane-doe") == [("PERSON", 0, 13, "Angela Merkel"), ("GPE", 37, 43, "Berlin")]
    assert ents(root, doc_id, "annotator-7") == [
        ("PERSON", 0, 13, "Angela Merkel"),
        ("PERSON", 18, 33, "Emmanuel Macron"),
    ]
    released = load(root / f"annotations/{doc_id}.json")
    assert released["status"] == "draft" and released["entities"] == []  # the layout draft only
    for who in ("jane-doe", "annotator-7"):
        a = load(root / f"annotations/annotators/{who}/{doc_id}.json")
        assert a["annotators"] == [who] and a["sections"] == released["sections"]
    validate_ok(root)


def test_labelstudio_single_annotator_with_annotator_option(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(ls_task("Oslo is cold.\n", (3, [(0, 4, "Oslo", "GPE")]))))
    root = new_root(tmp_path)
    cli_ok("import", "labelstudio", path, "--root", root, "--annotator", "kari", "--language", "nb")
    doc_id = only_doc(root)
    assert ents(root, doc_id, "kari") == [("GPE", 0, 4, "Oslo")]
    assert load(root / f"annotations/{doc_id}.json")["entities"] == []


def test_labelstudio_utf16_offsets_are_converted_by_the_quote(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(
        json.dumps([ls_task(EMOJI, (1, [(22, 32, "firetrucks", "PRODUCT"), (36, 47, "Springfield", "GPE")]))]),
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_ok("import", "labelstudio", path, "--root", root, "--language", "en")
    assert "UTF-16" in res.stderr
    assert ents(root, only_doc(root)) == [("PRODUCT", 19, 29, "firetrucks"), ("GPE", 33, 44, "Springfield")]
    validate_ok(root)


def test_labelstudio_unexplained_mismatch_is_an_error_naming_the_span(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([ls_task(EMOJI, (1, [(10, 15, "firetrucks", "PRODUCT")]))]), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root)
    assert "task 1, annotation 100, result r00" in res.stderr and "'firetrucks'" in res.stderr
    assert snapshot(root) == {}


# doccano ----------------------------------------------------------------------------------------


def test_doccano_samples(tmp_path):
    root = new_root(tmp_path)
    cli_ok(
        "import",
        "doccano",
        samples("doccano/export_sequence_labeling.jsonl"),
        "--root",
        root,
        "--label-map",
        "MISC=NORP",
        "--language",
        "en",
    )
    by_text = {(root / "corpus" / f"{p.stem}.txt").read_text(): p.stem for p in (root / "annotations").glob("*.json")}
    assert ents(root, by_text["EU rejects German call to boycott British lamb."]) == [
        ("ORG", 0, 2, "EU"),
        ("NORP", 11, 17, "German"),
    ]
    assert ents(root, by_text["President Obama"]) == [("PERSON", 10, 15, "Obama")]
    res = cli_ok(
        "import", "doccano", samples("doccano/export_relation_extraction.json"), "--root", root, "--language", "en"
    )
    assert res.stderr.count("is not imported: the schema holds no relations") == 3
    res = cli_ok("import", "doccano", samples("doccano/import_relation_extraction.jsonl"), "--root", root, "--force")
    google = next(p.stem for p in (root / "corpus").glob("*.txt") if p.read_text().startswith("Google"))
    assert ents(root, google) == [
        ("ORG", 0, 6, "Google"),
        ("DATE", 22, 39, "September 4, 1998"),
        ("PERSON", 44, 54, "Larry Page"),
        ("PERSON", 59, 70, "Sergey Brin"),
    ]
    assert len(list((root / "corpus").glob("*.txt"))) == 4  # the same text imported twice is one document
    validate_ok(root)


def test_doccano_counts_utf16_by_default_and_graphemes_on_request(tmp_path):
    path = tmp_path / "emoji.jsonl"
    path.write_text(
        json.dumps({"text": EMOJI, "label": [[22, 32, "PRODUCT"]]}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    root = new_root(tmp_path)
    cli_ok("import", "doccano", path, "--root", root, "--language", "en")
    assert ents(root, only_doc(root)) == [("PRODUCT", 19, 29, "firetrucks")]
    path.write_text(
        json.dumps({"text": EMOJI, "label": [[16, 26, "PRODUCT"]]}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    root2 = new_root(tmp_path, "root2")
    cli_ok("import", "doccano", path, "--root", root2, "--offsets", "grapheme", "--language", "en")
    assert ents(root2, only_doc(root2)) == [("PRODUCT", 19, 29, "firetrucks")]
    # a UTF-16 offset inside the emoji's surrogate pair is an error, not a silent shift
    path.write_text(
        json.dumps({"text": EMOJI, "label": [[1, 5, "PRODUCT"]]}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    root3 = new_root(tmp_path, "root3")
    assert "surrogate pair" in cli_fails("import", "doccano", path, "--root", root3).stderr
    assert snapshot(root3) == {}


def test_doccano_per_user_zip_gives_one_file_per_annotator(tmp_path):
    text = "Lagos is in Nigeria."
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("admin.jsonl", json.dumps({"id": 4, "text": text, "label": [[0, 5, "GPE"], [12, 19, "GPE"]]}) + "\n")
        f.writestr("ade.jsonl", json.dumps({"id": 4, "text": text, "label": [[0, 5, "GPE"]]}) + "\n")
    root = new_root(tmp_path)
    cli_ok("import", "doccano", z, "--root", root, "--language", "en")
    doc_id = only_doc(root)
    assert ents(root, doc_id, "admin") == [("GPE", 0, 5, "Lagos"), ("GPE", 12, 19, "Nigeria")]
    assert ents(root, doc_id, "ade") == [("GPE", 0, 5, "Lagos")]
    validate_ok(root)


# Prodigy ----------------------------------------------------------------------------------------


def test_prodigy_sample(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "prodigy", samples("spacy/prodigy_ner_manual_sample.jsonl"), "--root", root)
    assert "FASHION_BRAND" in res.stderr
    cli_ok(
        "import",
        "prodigy",
        samples("spacy/prodigy_ner_manual_sample.jsonl"),
        "--root",
        root,
        "--label-map",
        "FASHION_BRAND=ORG",
        "--language",
        "en",
    )
    assert ents(root, only_doc(root)) == [("ORG", 68, 71, "SLP")]
    validate_ok(root)


def test_prodigy_rejects_and_token_disagreement(tmp_path):
    tokens = [{"text": "Rome", "start": 0, "end": 4, "id": 0}, {"text": "wins", "start": 5, "end": 9, "id": 1}]
    lines = [
        {
            "text": "Rome wins",
            "tokens": tokens,
            "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "GPE"}],
            "answer": "reject",
        },
        {
            "text": "Rome wins",
            "tokens": tokens,
            "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 1, "label": "GPE"}],
            "answer": "accept",
        },
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "prodigy", path, "--root", root)
    assert "p.jsonl:1" in res.stderr and "'reject'" in res.stderr
    assert "p.jsonl:2 spans[0]" in res.stderr and "token_end is inclusive" in res.stderr
    assert snapshot(root) == {}


# into existing documents, label maps, bad input ---------------------------------------------------


def test_import_onto_an_existing_text_matched_by_hash_and_force(valid_root, tmp_path):
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"text": text.replace("\n", "\r\n"), "label": [[0, 14, "PER"]]}) + "\n", encoding="utf-8"
    )
    before = snapshot(valid_root)
    res = cli_fails("import", "doccano", path, "--root", valid_root, "--label-map", "PER=PERSON")
    assert "annotations/tiny.json: its entities layer" in res.stderr and "--force" in res.stderr
    assert snapshot(valid_root) == before
    cli_ok("import", "doccano", path, "--root", valid_root, "--label-map", "PER=PERSON", "--annotator", "bob")
    assert ents(valid_root, "tiny", "bob") == [("PERSON", 0, 14, "Antony Blinken")]
    assert sorted(p.name for p in (valid_root / "corpus").iterdir()) == ["tiny.meta.json", "tiny.txt"]
    gold = load(valid_root / "annotations/tiny.json")
    # replacing the released entities keeps the claims, whose sources follow the mentions
    cli_ok("import", "doccano", path, "--root", valid_root, "--label-map", "PER=PERSON", "--force")
    after = load(valid_root / "annotations/tiny.json")
    assert after["entities"] == [{"id": "e1", "label": "PERSON", "start": 0, "end": 14, "text": "Antony Blinken"}]
    assert after["claims"] == gold["claims"] and after["sections"] == gold["sections"] and after["status"] == "gold"
    validate_ok(valid_root)


def test_label_map_file_sections_claims_and_ignore(tmp_path):
    text = "Storm hits coast\n\nThe storm hit the coast on Monday, officials said.\n"
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": text,
                "label": [[0, 16, "TITLE"], [18, 68, "BODY"], [18, 51, "CLAIM"], [45, 51, "DATE"], [53, 62, "NOISE"]],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    lm = tmp_path / "map.json"
    lm.write_text(
        json.dumps({"TITLE": "sections:headline", "BODY": "sections:paragraph", "CLAIM": "claims", "NOISE": "ignore"})
    )
    root = new_root(tmp_path)
    res = cli_ok("import", "doccano", path, "--root", root, "--label-map", str(lm), "--language", "en")
    assert "without attribution" in res.stderr
    ann = load(root / f"annotations/{only_doc(root)}.json")
    assert [(s["label"], s["text"]) for s in ann["sections"]] == [
        ("headline", "Storm hits coast"),
        ("paragraph", "The storm hit the coast on Monday, officials said."),
    ]
    assert [(c["text"], c["attribution"], c["checkworthy"]) for c in ann["claims"]] == [
        ("The storm hit the coast on Monday", {"type": "unattributed"}, False)
    ]
    assert [e["text"] for e in ann["entities"]] == ["Monday"]
    validate_ok(root)


def test_a_label_map_file_saved_with_a_bom_is_read_and_a_broken_one_is_an_error_at_its_place(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Antony Blinken spoke.", "label": [[0, 14, "PER"]]}) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    bad = tmp_path / "dup.json"
    bad.write_text('{"PER": "PERSON", "PER": "ORG"}', encoding="utf-8")
    res = cli_fails("import", "doccano", path, "--root", root, "--label-map", str(bad))
    assert f"label map file {bad}:1:19" in res.stderr and "appears more than once" in res.stderr
    assert "Traceback" not in res.stderr and snapshot(root) == {}
    bom = tmp_path / "bom.json"  # as Windows Notepad saves UTF-8
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({"PER": "PERSON"}).encode())
    cli_ok("import", "doccano", path, "--root", root, "--label-map", str(bom), "--language", "en")
    assert [e["label"] for e in load(root / f"annotations/{only_doc(root)}.json")["entities"]] == ["PERSON"]


def test_unmapped_labels_are_one_error_listing_all_with_a_suggested_map(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": t, "label": ls})
            for t, ls in [
                ("Acme hired Bob.", [[0, 4, "Organization"], [11, 14, "PER"]]),
                ("Bob left Acme.", [[0, 3, "PER"], [9, 13, "Organization"], [4, 8, "Action"]]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_fails("import", "doccano", path, "--root", root)
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "3 tool labels with no target: 'Action' (1 span), 'Organization' (2 spans), 'PER' (2 spans)" in errors[0]
    assert "--label-map 'Action=ignore,Organization=ORG,PER=PERSON'" in errors[0]
    assert snapshot(root) == {}


@pytest.mark.parametrize(
    "fmt,make,expect",
    [
        ("brat", lambda d: d / "missing", "no such file"),
        ("labelstudio", lambda d: d / "missing.json", "no such file"),
        ("brat", lambda d: (d / "x.json").write_text("[]") and d / "x.json", "not a folder"),
        (
            "labelstudio",
            lambda d: (d / "x.json").write_text("{not json") and d / "x.json",
            "x.json:1:2: not valid JSON",
        ),
        (
            "labelstudio",
            lambda d: (d / "x.jsonl").write_text('{"text": "a", "label": []}\n{"text": "b"}\n') and d / "x.jsonl",
            "x.jsonl:2:1: not valid JSON",
        ),
        (
            "doccano",
            lambda d: (d / "x.json").write_text('{"data": {"text": "a"}, "annotations": []}') and d / "x.json",
            "not a doccano record",
        ),
        (
            "doccano",
            lambda d: (d / "x.jsonl").write_text('{"text": "a b", "label": ["positive"]}\n') and d / "x.jsonl",
            "text-classification",
        ),
        (
            "prodigy",
            lambda d: (d / "x.jsonl").write_bytes(b"\xff\xfe{}") and d / "x.jsonl",
            "x.jsonl:1:1: the file is UTF-16 encoded; expected UTF-8",
        ),
    ],
)
def test_bad_input_exits_1_with_a_clear_message(fmt, make, expect, valid_root, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    before = snapshot(valid_root)
    res = cli_fails("import", fmt, make(src), "--root", valid_root)
    assert expect in res.stderr
    assert snapshot(valid_root) == before


def test_bad_label_map_is_exit_1(valid_root, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "x y", "label": [[0, 1, "A"]]}) + "\n")
    assert (
        "unknown target 'PERSONS'"
        in cli_fails("import", "doccano", path, "--root", valid_root, "--label-map", "A=PERSONS").stderr
    )
    assert (
        "unknown section label"
        in cli_fails("import", "doccano", path, "--root", valid_root, "--label-map", "A=sections:title").stderr
    )
    assert "TOOL_LABEL=TARGET" in cli_fails("import", "doccano", path, "--root", valid_root, "--label-map", "A").stderr


MALFORMED = {
    "ls annotations not a list": (
        "labelstudio",
        '[{"data": {"text": "abc"}, "annotations": {"x": 1}}]',
        "`annotations` is not a list",
    ),
    "ls value not an object": (
        "labelstudio",
        '[{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": "x"}]}]}]',
        "without a value object",
    ),
    "ls result not a list": (
        "labelstudio",
        '[{"data": {"text": "abc"}, "annotations": [{"result": "x"}]}]',
        "`result` is not a list",
    ),
    "ls labels a string": (
        "labelstudio",
        '[{"data": {"text": "abc d"}, "annotations": [{"result": [{"type": "labels", '
        '"value": {"start": 0, "end": 3, "labels": "ORG"}}]}]}]',
        "expected a list of label names",
    ),
    "doccano entities a string": ("doccano", '{"text": "abc", "entities": "nope"}', "`entities` is not a list"),
    "prodigy span not an object": ("prodigy", '{"text": "abc", "spans": ["x"]}', "expected a span object"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_exports_are_clear_errors(case, valid_root, tmp_path):
    fmt, content, expect = MALFORMED[case]
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    before = snapshot(valid_root)
    assert expect in cli_fails("import", fmt, path, "--root", valid_root).stderr
    assert snapshot(valid_root) == before
