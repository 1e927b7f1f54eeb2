"""`newsspan import`: tool exports into the corpus, read as strictly as corpus files, every problem told at
the export item it comes from (with a fix to make in the tool), nothing written unless all is well.

The real samples in ../shared/samples are used where present (skipped without them); the hand-written
exports of tests/fixtures/tools/ are broken one way at a time, and the line and column of each problem
are computed here from the bytes written, not copied from the output.
"""

import json
import shutil
import zipfile

import pytest

from tool_cases import BRAT_SAMPLE_UNREAD

from conftest import FIXTURES, samples
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
    for what in BRAT_SAMPLE_UNREAD:
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
    # its text opens with a sentence, not a title: paragraphs only
    assert ann["status"] == "draft" and [s["label"] for s in ann["sections"]][:2] == ["paragraph", "paragraph"]
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


def test_ignored_spans_that_repeat_a_kept_name_are_named_at_import(tmp_path):
    """A label the map ignores leaves its spans unannotated; where one holds a name imported elsewhere,
    validate warns mention-missed, and the import says so first, with the map that keeps them."""
    text = "Paris hosts talks\n\nThe talks in Paris ended on Monday.\n"
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[0, 5, "CITY"], [32, 37, "GPE_LOC"]]}) + "\n")
    root = new_root(tmp_path)
    args = ["--root", root, "--label-map", "CITY=GPE,GPE_LOC=ignore", "--language", "en", "--status", "complete"]
    res = cli_ok("import", "doccano", path, *args)
    assert "1 span(s) labelled GPE_LOC, which the label map ignores, hold names imported elsewhere" in res.stderr
    assert "'Paris' as GPE" in res.stderr and "--label-map GPE_LOC=LABEL" in res.stderr
    res = cli_ok("validate", "--root", root)
    assert "warning[mention-missed]" in res.stdout and '"Paris" at [32, 37)' in res.stdout
    assert "1 warning (mention-missed: 1)" in res.stdout


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


# strict reading: each export broken in one way ------------------------------------------------------

TOOLS = FIXTURES / "tools"
MAPS = {
    "labelstudio": "Date=DATE,Location=GPE",
    "doccano": "MISC=NORP",
    "prodigy": "FASHION_BRAND=ORG",
    "brat": "Person=PERSON,Organization=ORG,Money=MONEY",
}


def position(data: bytes, needle: bytes) -> str:
    """line:column (1-based, the column in characters) where needle starts in data."""
    assert data.count(needle) == 1, f"{needle!r} must occur once"
    at = data.index(needle)
    line = data.count(b"\n", 0, at) + 1
    column = len(data[data.rfind(b"\n", 0, at) + 1 : at].decode("utf-8", "replace")) + 1
    return f"{line}:{column}"


def replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) >= 1, old
    return data.replace(old, new, 1)


# (tool, case) -> (file of the export to break, old bytes, new bytes, the bytes where the problem is
# reported, the words of the message, what else the location says)
CASES = {
    ("labelstudio", "duplicate key"): (
        "tasks.json",
        b'"start": 27,',
        b'"start": 27,\n              "start": 28,',
        b'"start": 28',
        'key "start" appears more than once',
        "(task 11, annotation 21, result res2",
    ),
    ("labelstudio", "NaN"): (
        "tasks.json",
        b'"end": 34,',
        b'"end": NaN,',
        b'"end": NaN',
        "NaN or Infinity is not JSON",
        "(task 11, annotation 21, result res2: /value/end)",
    ),
    ("labelstudio", "lone surrogate"): (
        "tasks.json",
        b'"text": "March 3"',
        b'"text": "March \\ud800 3"',
        b'"text": "March \\ud800',
        "lone UTF-16 surrogate",
        "(task 11, annotation 21, result res2: /value/text)",
    ),
    ("labelstudio", "invalid UTF-8"): ("tasks.json", b"met in Lisbon", b"met in Lisb\xf6n", b"\xf6n", "byte 0xf6", ""),
    ("doccano", "duplicate key"): (
        "sequence_labeling.jsonl",
        b'{"id": 2,',
        b'{"id": 2, "id": 3,',
        b'"id": 3',
        'key "id" appears more than once',
        "(/id)",
    ),
    ("doccano", "NaN"): (
        "sequence_labeling.jsonl",
        b"[[8, 14,",
        b"[[8, NaN,",
        b"NaN",
        "NaN or Infinity is not JSON",
        "(/label/0/1)",
    ),
    ("doccano", "lone surrogate"): (
        "sequence_labeling.jsonl",
        b'"text": "EU rejects',
        b'"text": "EU \\udc00rejects',
        b'"text": "EU',
        "lone UTF-16 surrogate",
        "(/text)",
    ),
    ("doccano", "invalid UTF-8"): (
        "sequence_labeling.jsonl",
        b"Senator Okafor",
        b"Senator Ok\xe9for",
        b"\xe9for",
        "byte 0xe9",
        "",
    ),
    ("prodigy", "duplicate key"): (
        "ner_manual.jsonl",
        b'"answer": "accept"',
        b'"answer": "accept", "answer": "reject"',
        b'"answer": "reject"',
        'key "answer" appears more than once',
        "(/answer)",
    ),
    ("prodigy", "NaN"): (
        "ner_manual.jsonl",
        b'"token_end": 6,',
        b'"token_end": NaN,',
        b'"token_end": NaN',
        "NaN or Infinity is not JSON",
        "(/spans/1/token_end)",
    ),
    ("prodigy", "lone surrogate"): (
        "ner_manual.jsonl",
        b'"text": "Shares of Velora',
        b'"text": "Shares of Vel\\ud83dora',
        b'"text": "Shares of',
        "lone UTF-16 surrogate",
        "(/text)",
    ),
    ("prodigy", "invalid UTF-8"): (
        "ner_manual.jsonl",
        b"Shares of Velora",
        b"Shares of Vel\x80ra",
        b"\x80ra",
        "byte 0x80",
        "",
    ),
    # brat has no JSON: its duplicate key is an id defined twice, its NaN an offset that is no number, and a
    # lone surrogate can only come as the bytes of one (as WTF-8 writers emit), which are not UTF-8
    ("brat", "duplicate key"): (
        "news.ann",
        b"T5\tGPE 72 78\tGeneva\n",
        b"T5\tGPE 72 78\tGeneva\nT3\tGPE 72 78\tGeneva\n",
        b"T3\tGPE",
        "the id T3 is also that of line 3",
        "",
    ),
    ("brat", "NaN"): (
        "news.ann",
        b"T2\tMoney 15 25",
        b"T2\tMoney 15 NaN",
        b"T2\tMoney",
        "malformed text-bound line",
        "",
    ),
    ("brat", "lone surrogate"): (
        "news.ann",
        b"Maria Lopez",
        b"Maria \xed\xa0\x80Lopez",
        b"\xed\xa0\x80",
        "encode a lone surrogate",
        "",
    ),
    ("brat", "invalid UTF-8"): ("news.txt", b"Chilean", b"Chil\xe9an", b"\xe9an", "byte 0xe9", ""),
}


@pytest.mark.parametrize("tool,case", sorted(CASES))
def test_a_malformed_export_is_an_error_at_its_line_and_column(tool, case, valid_root, tmp_path):
    name, old, new, at, words, item = CASES[(tool, case)]
    src = tmp_path / "export"
    shutil.copytree(TOOLS / tool, src)
    broken = replace_once((src / name).read_bytes(), old, new)
    (src / name).write_bytes(broken)
    export = src if tool == "brat" else src / name
    before = snapshot(valid_root)
    res = cli_fails("import", tool, export, "--root", valid_root, "--label-map", MAPS[tool], "--language", "en")
    if tool == "brat" and case in ("duplicate key", "NaN"):
        where = f"{name}:{position(broken, at).split(':')[0]}:"  # a line of the .ann (its columns are fields)
    else:
        where = f"{name}:{position(broken, at)}"
    errors = res.stderr.split("error: ")[1:]
    hit = [e for e in errors if e.startswith(where)]
    assert hit, (where, res.stderr)
    assert words in hit[0] and item in hit[0].splitlines()[0], hit[0]
    assert "\n    fix: " in hit[0]
    assert snapshot(valid_root) == before


def test_the_same_exports_unbroken_import(tmp_path):
    """The exports the cases above break import as they are (so each case fails for its one change)."""
    root = new_root(tmp_path)
    for tool, export in [
        ("labelstudio", TOOLS / "labelstudio/tasks.json"),
        ("doccano", TOOLS / "doccano/sequence_labeling.jsonl"),
        ("prodigy", TOOLS / "prodigy/ner_manual.jsonl"),
        ("brat", TOOLS / "brat"),
    ]:
        cli_ok("import", tool, export, "--root", root, "--label-map", MAPS[tool], "--language", "en")


@pytest.mark.parametrize(
    "tool,name",
    [
        ("labelstudio", "tasks.json"),
        ("doccano", "sequence_labeling.jsonl"),
        ("prodigy", "ner_manual.jsonl"),
        ("brat", "news.ann"),
    ],
)
def test_a_utf8_bom_at_the_start_of_an_export_is_accepted(tool, name, tmp_path):
    src = tmp_path / "export"
    shutil.copytree(TOOLS / tool, src)
    (src / name).write_bytes(b"\xef\xbb\xbf" + (src / name).read_bytes())
    root = new_root(tmp_path)
    cli_ok(
        "import",
        tool,
        src if tool == "brat" else src / name,
        "--root",
        root,
        "--label-map",
        MAPS[tool],
        "--language",
        "en",
    )
    assert any(load(p)["entities"] for p in (root / "annotations").glob("*.json"))


def test_every_problem_of_an_export_is_listed_at_once(valid_root, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_bytes(
        replace_once(
            replace_once((TOOLS / "labelstudio/tasks.json").read_bytes(), b'"end": 34,', b'"end": NaN,'),
            b'"start": 17,',
            b'"start": 17, "start": 16,',
        )
    )
    res = cli_fails("import", "labelstudio", path, "--root", valid_root, "--label-map", MAPS["labelstudio"])
    assert "result res1: /value/start)" in res.stderr and "result res2: /value/end)" in res.stderr
    assert "2 error(s); nothing was written" in res.stderr


def test_utf16_and_a_bom_inside_a_json_lines_file_are_refused(valid_root, tmp_path):
    line = (TOOLS / "prodigy/ner_manual.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "utf16.jsonl"
    path.write_bytes(line.encode("utf-16"))
    res = cli_fails("import", "prodigy", path, "--root", valid_root)
    assert (
        "utf16.jsonl:1:1: the file is UTF-16 encoded; expected UTF-8" in res.stderr
        and "fix: save the file as UTF-8" in res.stderr
    )
    path = tmp_path / "joined.jsonl"  # two exports joined by `cat`: the second one's BOM opens line 2
    path.write_bytes(b"\xef\xbb\xbf" + line.encode() + b"\xef\xbb\xbf" + line.encode())
    res = cli_fails("import", "prodigy", path, "--root", valid_root)
    assert "joined.jsonl:2:1: not valid JSON: Unexpected UTF-8 BOM" in res.stderr


def test_doccano_json_list_names_the_record_and_its_line(valid_root, tmp_path):
    records = [
        json.loads(line)
        for line in (TOOLS / "doccano/sequence_labeling.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    data = json.dumps(records, indent=2).replace('"id": 2,', '"id": 2,\n    "text": "again",').encode()
    path = tmp_path / "all.json"
    path.write_bytes(data)
    res = cli_fails("import", "doccano", path, "--root", valid_root, "--label-map", MAPS["doccano"])
    at = position(data, b'"text": "Senator Okafor"')  # the second "text" of the record is the duplicate
    assert f'all.json:{at} (record 2, /text): key "text" appears more than once' in res.stderr


@pytest.mark.parametrize(
    "fmt,fixture,old,new,at",
    [
        ("uima", "uima/merz-berlin.json", b'"%TYPES"', b'"%X": 1, "%X": 2, "%TYPES"', b'"%X": 2'),
        ("webanno", "webanno/merkel.tsv", b"Merkel", b"Merk\xe9l", b"\xe9l"),
        ("conllu", "conllu/corefud.conllu", b"Merkel", b"Merk\xe9l", b"\xe9l"),
    ],
)
def test_the_research_formats_are_read_as_strictly(fmt, fixture, old, new, at, valid_root, tmp_path):
    data = replace_once((FIXTURES / "formats" / fixture).read_bytes(), old, new)
    path = tmp_path / fixture.split("/")[1]
    path.write_bytes(data)
    before = snapshot(valid_root)
    res = cli_fails("import", fmt, path, "--root", valid_root)
    assert f"error: {path.name}:{position(data, at)}" in res.stderr, res.stderr
    assert "\n    fix: " in res.stderr
    assert snapshot(valid_root) == before


# problems of the spans an import would write: told at the export item they came from ---------------


def first_line_of_each_error(stderr: str) -> list[str]:
    return [e.splitlines()[0] for e in stderr.split("error: ")[1:]]


def error_at(stderr: str, where: str, check: str | None) -> str:
    """The error (all its lines) that starts at where, of the validator's check (None: an import's own)."""
    hits = [
        e
        for e in stderr.split("error: ")[1:]
        if e.startswith(where) and (check is None or f"error[{check}]" in e.splitlines()[0])
    ]
    assert hits, (where, check, stderr)
    return hits[0]


def test_refused_claims_in_brat_name_their_ann_lines(tmp_path):
    text = "Officials said the bridge will reopen in May.\n"

    def T(n, label, quote):
        at = text.index(quote)
        return f"T{n}\t{label} {at} {at + len(quote)}\t{quote}"

    src = tmp_path / "brat"
    src.mkdir()
    (src / "bridge.txt").write_text(text, encoding="utf-8")
    (src / "bridge.ann").write_text(
        "\n".join(
            [
                T(1, "section_paragraph", text.strip()),
                T(2, "claim", "the bridge will reopen in May."),
                T(3, "claim", "Officials said the bridge"),
                T(4, "claim_cue", " said"),
                "R1\tCue Arg1:T2 Arg2:T4\t",
                T(5, "DATE", "May"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_fails("import", "brat", src, "--root", root, "--language", "en")
    overlap = error_at(res.stderr, "bridge.ann:2 (T2 claim)", "claim-overlap")
    assert "overlaps bridge.ann:3 (T3 claim) [0, 25)" in overlap  # the other claim named by its line too
    assert "\n    fix: shorten or remove one of the two in the tool" in overlap
    cue = error_at(res.stderr, "bridge.ann:2 (T2 claim) /attribution/cue", "span-whitespace")
    assert '" said"' in cue and "\n    fix: move the span's edges off the whitespace in the tool" in cue
    # the file the import would have written is secondary: never where a problem is said to be
    assert not [line for line in first_line_of_each_error(res.stderr) if line.startswith("annotations/")]
    assert "(at annotations/bridge.json /claims/1 in what the import would write)" in overlap
    assert snapshot(root) == {}


def test_a_claim_inside_a_token_names_its_doccano_record(tmp_path):
    text = "Officials said the bridge will reopen in May."
    path = tmp_path / "claims.jsonl"
    path.write_text(
        json.dumps({"id": 4, "text": text, "label": [[text.index("fficials"), len(text), "CLAIM"]]}) + "\n",
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_fails("import", "doccano", path, "--root", root, "--label-map", "CLAIM=claims", "--language", "en")
    hit = error_at(res.stderr, "claims.jsonl:1 label[0] (CLAIM 'fficials said", "token-boundary")
    assert "/start: error[token-boundary]" in hit and 'inside the token "Officials"' in hit
    assert "\n    fix: move the span's edges onto whole words in the tool" in hit
    assert snapshot(root) == {}


def test_a_mention_outside_the_sections_names_its_label_studio_result(tmp_path):
    tasks = json.loads((TOOLS / "labelstudio/tasks.json").read_text(encoding="utf-8"))
    text = tasks[0]["data"]["text"]
    results = tasks[0]["annotations"][0]["result"]
    results.append(
        {
            "id": "para",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 0, "end": 23, "text": text[:23], "labels": ["Para"]},
        }
    )
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails(
        "import",
        "labelstudio",
        path,
        "--root",
        root,
        "--language",
        "en",
        "--label-map",
        MAPS["labelstudio"] + ",Para=sections:paragraph",
    )
    hit = error_at(res.stderr, "tasks.json: task 11, annotation 21, result res2", "span-outside-section")
    assert '"March 3" [27, 34) lies in no section' in hit
    assert "\n    fix: make one of the tool's section spans cover it" in hit
    assert snapshot(root) == {}


def test_a_mention_inside_a_token_names_its_prodigy_span_and_the_align_option(tmp_path):
    task = json.loads((TOOLS / "prodigy/ner_manual.jsonl").read_text(encoding="utf-8"))
    task["spans"] = [{"start": 10, "end": 14, "label": "ORG"}]  # "Velo" of "Velora"
    path = tmp_path / "ner.jsonl"
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "prodigy", path, "--root", root, "--language", "en")
    hit = error_at(res.stderr, "ner.jsonl:1 spans[0] (ORG 'Velo')", None)
    assert "inside the token" in hit.splitlines()[0] or "token" in hit.splitlines()[0]
    assert "\n    fix: pass --align expand (the whole tokens) or --align contract" in hit
    assert snapshot(root) == {}


# an import onto a corrupt annotation file already in the root: a problem in that file ---------------
# (the import reads the released layer for its sections, and the file it writes to, to keep what it
# does not replace)

CORRUPT = {
    "truncated JSON": lambda t: t[: len(t) // 2],
    "not an object": lambda t: "[]",
    "sections not a list": lambda t: t.replace('"sections": [', '"sections": 5, "x": [', 1),
    "section without offsets": lambda t: t.replace('"start": 0,', "", 1),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
@pytest.mark.parametrize("annotator", [None, "bob"])
def test_a_corrupt_released_layer_is_a_problem_in_that_file(case, annotator, valid_root, tmp_path):
    released = valid_root / "annotations/tiny.json"
    released.write_text(CORRUPT[case](released.read_text(encoding="utf-8")), encoding="utf-8")
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    export = tmp_path / "d.jsonl"
    export.write_text(json.dumps({"text": text, "label": [[0, 14, "PERSON"]]}) + "\n", encoding="utf-8")
    before = snapshot(valid_root)
    res = cli_fails(
        "import", "doccano", export, "--root", valid_root, "--force", *(["--annotator", annotator] if annotator else [])
    )
    assert "error: annotations/tiny.json: " in res.stderr
    assert "internal error" not in res.stderr
    assert snapshot(valid_root) == before


@pytest.mark.parametrize(
    "data,says",
    [
        (lambda b: b"\xef\xbb\xbf" + b, "the file starts with a UTF-8 byte order mark"),
        (lambda b: b"\n", "the file is empty"),
    ],
    ids=["bom", "empty"],
)
def test_a_released_layer_that_cannot_be_read_says_why_as_the_validator_does(data, says, valid_root, tmp_path):
    released = valid_root / "annotations/tiny.json"
    released.write_bytes(data(released.read_bytes()))
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    export = tmp_path / "d.jsonl"
    export.write_text(json.dumps({"text": text, "label": [[0, 14, "PERSON"]]}) + "\n", encoding="utf-8")
    before = snapshot(valid_root)
    res = cli_fails("import", "doccano", export, "--root", valid_root, "--force")
    assert f"error: annotations/tiny.json: cannot be read ({says}" in res.stderr
    assert "Traceback" not in res.stderr and snapshot(valid_root) == before


# the entity layer is flat and on newsspan's tokens: --nested, --align and what no policy decides ---------

CITY = "Officials in New York City met Angela Merkel on Monday.\n"


def at(quote: str, label: str, text: str = CITY) -> list:
    start = text.index(quote)
    return [start, start + len(quote), label]


POLICY = {  # spans, options -> exit code, what stderr says, the entities written (when it succeeds)
    "the same mention twice": (
        [at("New York City", "GPE"), at("New York City", "GPE")],
        [],
        0,
        "the same mention twice; imported once",
        ["New York City"],
    ),
    "one text, two labels": (
        [at("New York City", "GPE"), at("New York City", "LOC")],
        [],
        1,
        "the same text is also GPE",
        None,
    ),
    "crossing": ([at("New York", "GPE"), at("York City", "GPE")], ["--nested", "outer"], 1, "without nesting", None),
    "nested, refused": (
        [at("New York City", "GPE"), at("New York", "GPE")],
        [],
        1,
        "error: 1 nested mention pair(s) (newsspan's entity layer is flat):",
        None,
    ),
    "nested, outer kept": (
        [at("New York City", "GPE"), at("New York", "GPE")],
        ["--nested", "outer"],
        0,
        "",
        ["New York City"],
    ),
    "nested, inner kept": (
        [at("New York City", "GPE"), at("New York", "GPE")],
        ["--nested", "inner"],
        0,
        "",
        ["New York"],
    ),
    "whitespace at the edges": (
        [[CITY.index("Angela") - 1, CITY.index(" on Monday") + 1, "PERSON"]],
        [],
        0,
        "whitespace at the span's edges trimmed: [30, 45) -> [31, 44) 'Angela Merkel'",
        ["Angela Merkel"],
    ),
    "whitespace only": ([[CITY.index(" met"), CITY.index(" met") + 1, "PERSON"]], [], 1, "holds only whitespace", None),
    "inside a token, expanded": ([at("Merke", "PERSON")], ["--align", "expand"], 0, "moved onto token", ["Merkel"]),
}


@pytest.mark.parametrize("case", sorted(POLICY))
def test_policies_of_the_flat_entity_layer(case, tmp_path):
    spans, options, code, says, written = POLICY[case]
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": CITY, "label": spans}) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    run = cli_ok if code == 0 else cli_fails
    res = run("import", "doccano", path, "--root", root, "--language", "en", *options)
    assert says in res.stderr
    if written is None:
        assert snapshot(root) == {}
    else:
        assert [e[3] for e in ents(root, only_doc(root))] == written
        if "--nested" in options:  # the summary says how many the policy left out
            assert (
                f"--nested {options[1]}: 1 mention(s) {'inside' if options[1] == 'outer' else 'around'} others"
                in res.stdout
            )


def test_what_the_import_cannot_decide_for_the_corpus_is_refused(valid_root, tmp_path):
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    export = tmp_path / "d.jsonl"
    export.write_text(json.dumps({"text": text, "label": [[19, 31, "PERSON"]]}) + "\n", encoding="utf-8")
    # a claim whose source is a mention: kept while the mentions are replaced, its source follows the offsets
    path = valid_root / "annotations/tiny.json"
    ann = load(path)
    ann["claims"][1]["attribution"] = {"type": "source", "source": "e2"}
    path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    before = snapshot(valid_root)
    cli_ok("import", "doccano", export, "--root", valid_root, "--force")
    assert load(path)["claims"][1]["attribution"] == {"type": "source", "source": "e1"}  # e2 was renumbered e1
    export.write_text(json.dumps({"text": text, "label": [[0, 14, "PERSON"]]}) + "\n", encoding="utf-8")
    res = cli_fails("import", "doccano", export, "--root", valid_root, "--force")
    assert "claim c2 names entity e1 as its source, and the import has no mention at (19, 31)" in res.stderr
    # an annotator's file made on another version of the text
    (valid_root / "annotations/annotators/bob").mkdir(parents=True)
    (valid_root / "annotations/annotators/bob/tiny.json").write_text(
        json.dumps({**ann, "text_sha256": "0" * 64}), encoding="utf-8"
    )
    res = cli_fails("import", "doccano", export, "--root", valid_root, "--annotator", "bob")
    assert "annotations/annotators/bob/tiny.json: it was made on another version of the text" in res.stderr
    assert "`newsspan reanchor tiny`" in res.stderr
    (valid_root / "annotations/annotators/bob/tiny.json").unlink()
    assert snapshot(valid_root) != before  # (the first import wrote)


def test_new_texts_and_their_ids(valid_root, tmp_path):
    path = tmp_path / "two.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "text": f"Text {i} about Rome.", "label": []}) + "\n" for i in (1, 2)),
        encoding="utf-8",
    )
    before = snapshot(valid_root)
    assert (
        "--id names one new document" in cli_fails("import", "doccano", path, "--root", valid_root, "--id", "x").stderr
    )
    path.write_text(json.dumps({"text": "Another text.", "label": [[0, 7, "ORG"]]}) + "\n", encoding="utf-8")
    res = cli_fails("import", "doccano", path, "--root", valid_root, "--id", "tiny")
    assert "the id 'tiny' is taken by another corpus document" in res.stderr
    assert snapshot(valid_root) == before


def test_one_annotator_twice_on_a_text_is_refused(tmp_path):
    path = tmp_path / "ls.json"
    twice = [(0, 4, "Oslo", "GPE")]
    path.write_text(json.dumps([ls_task("Oslo is cold.\n", ("kari", twice), ("kari", twice))]), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "nb")
    assert "annotator 'kari' annotated this text more than once in the export" in res.stderr
    res = cli_fails("import", "labelstudio", path, "--root", root, "--annotator", "x")
    assert "2 annotations of one text; --annotator names a single annotator" in res.stderr
    assert snapshot(root) == {}


# every problem of every stage in one run; shifted spans -------------------------------------------

MERKEL = "Angela Merkel met Emmanuel Macron in Berlin on Monday.\n\nThe Bundeskanzleramt said nothing.\n"
MISTAKES = [  # what people get wrong in a tool: each a problem of another stage of the import
    (0, 13, "Angela Merkel", "Person"),
    (19, 34, "Emmanuel Macron", "Person"),  # shifted by one: its quote starts at 18
    (37, 43, "Berlin", "City"),  # a label the map does not name
    (0, 6, "Angela", "Person"),  # nested in "Angela Merkel"
    (60, 70, "Bundeskanz", "ORG"),  # ends inside a token
]


def test_every_problem_of_every_stage_is_listed_in_one_run(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([ls_task(MERKEL, (3, MISTAKES))]), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "en", "--label-map", "Person=PERSON")
    errors = first_line_of_each_error(res.stderr)
    assert len(errors) == 4, errors
    assert "result r01: Person [19, 34): the tool's text 'Emmanuel Macron' differs from the text there" in errors[0]
    assert "1 tool label with no target: 'City' (1 span)" in errors[1]
    assert "result r04: ORG 'Bundeskanz' [60, 70): it ends inside the token 'Bundeskanzleramt'" in errors[2]
    assert errors[3] == "1 nested mention pair(s) (newsspan's entity layer is flat):"
    assert "offset unit" not in res.stderr and snapshot(root) == {}
    # the fixes each error names, in one more run
    fixes = ["--label-map", "Person=PERSON,City=GPE", "--fix-shifts", "--nested", "outer", "--align", "expand"]
    res = cli_ok("import", "labelstudio", path, "--root", root, "--language", "en", *fixes)
    assert "result r01: moved 'Emmanuel Macron' [19, 34) -> [18, 33) (--fix-shifts)" in res.stdout
    assert [e[1:] for e in ents(root, only_doc(root))] == [
        (0, 13, "Angela Merkel"),
        (18, 33, "Emmanuel Macron"),
        (37, 43, "Berlin"),
        (60, 76, "Bundeskanzleramt"),
    ]
    validate_ok(root)


def test_a_brat_export_s_problems_of_three_stages_in_one_run(tmp_path):
    src = tmp_path / "brat"
    src.mkdir()
    (src / "d.txt").write_text(MERKEL, encoding="utf-8")
    ann = (
        "T1\tPerson 1 14\tAngela Merkel\nT2\tCity 37 43\tBerlin\nT3\tPerson 0 6\tAngela\n"  # shifted, unmapped, nested
    )
    (src / "d.ann").write_text(ann, encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "brat", src, "--root", root, "--language", "en", "--label-map", "Person=PERSON")
    errors = first_line_of_each_error(res.stderr)
    assert len(errors) == 3 and "d.ann:1" in errors[0] and "'City'" in errors[1] and "nested" in errors[2], errors


def test_fix_shifts_moves_a_span_only_onto_its_one_nearby_quote(tmp_path):
    text = "Paris and Paris again. Rome is far away.\n\n" + "So it is. " * 8 + "Rome again.\n"
    spans = [(1, 6, "Paris", "GPE"), (24, 28, "Rome", "GPE")]  # Paris: twice nearby; Rome at [23, 27) once nearby
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([ls_task(text, (1, spans))]), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "en")
    paris, rome = (error_at(res.stderr, f"ls.json: task 1, annotation 100, result r0{k}", None) for k in (0, 1))
    assert "--fix-shifts" not in paris and "pass --fix-shifts, which moves it onto its quote at [23, 27)" in rome
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "en", "--fix-shifts")
    assert first_line_of_each_error(res.stderr) == [paris.splitlines()[0]] and snapshot(root) == {}
    path.write_text(json.dumps([ls_task(text, (1, spans[1:]))]), encoding="utf-8")
    res = cli_ok("import", "labelstudio", path, "--root", root, "--language", "en", "--fix-shifts")
    assert "moved 'Rome' [24, 28) -> [23, 27) (--fix-shifts)" in res.stdout
    assert ents(root, only_doc(root)) == [("GPE", 23, 27, "Rome")]


# who made a layer, and the ids of new texts --------------------------------------------------------


def test_the_released_layer_names_the_tool_s_annotators_and_records_its_provenance(tmp_path):
    root = new_root(tmp_path)
    task = ls_task("Oslo is cold.\n", (7, [(0, 4, "Oslo", "GPE")]))
    task["annotations"][0]["created_username"] = "jane.doe@example.org, 7"
    exports = {
        "labelstudio": (task, ["jane-doe"]),
        "doccano": ({"text": "Bergen is wet.", "user": 3, "label": [[0, 6, "GPE"]]}, ["annotator-3"]),
        "prodigy": (
            {
                "text": "Tromsø is dark.",
                "_annotator_id": "news-alice",
                "spans": [{"start": 0, "end": 6, "label": "GPE"}],
            },
            ["news-alice"],
        ),
    }
    for fmt, (record, names) in exports.items():
        path = tmp_path / f"{fmt}.json{'l' * (fmt != 'labelstudio')}"
        path.write_text(json.dumps([record]) if fmt == "labelstudio" else json.dumps(record) + "\n", encoding="utf-8")
        cli_ok("import", fmt, path, "--root", root, "--language", "nb")
        ann = next(load(p) for p in (root / "annotations").glob("*.json") if names[0] in load(p)["annotators"])
        assert ann["annotators"] == names  # not newsspan-ingest, who drew the layout
        layout, imported = ann["provenance"]["sections"], ann["provenance"]["entities"]
        assert layout == {"steps": ["pre-annotated"], "note": "from the layout, by newsspan-ingest"}
        assert imported["steps"] == ["imported"] and imported["note"].startswith(f"imported from {fmt}: {path.name}")
    src = tmp_path / "brat"  # brat names no annotator
    src.mkdir()
    (src / "n.txt").write_text("Narvik is north.\n", encoding="utf-8")
    (src / "n.ann").write_text("T1\tGPE 0 6\tNarvik\n", encoding="utf-8")
    cli_ok("import", "brat", src, "--root", root, "--language", "nb")
    ann = load(root / "annotations/n.json")
    assert ann["annotators"] == [] and ann["provenance"]["entities"] == {
        "steps": ["imported"],
        "note": "imported from brat: n.txt",
    }
    validate_ok(root)


def test_annotator_map_names_the_tool_s_annotators(tmp_path):
    path = tmp_path / "ls.json"
    oslo = [(0, 4, "Oslo", "GPE")]
    path.write_text(json.dumps([ls_task("Oslo is cold.\n", (1, oslo), (2, oslo))]), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_ok(
        "import",
        "labelstudio",
        path,
        "--root",
        root,
        "--language",
        "nb",
        "--annotator-map",
        "annotator-1=alice,2=bob,9=carol",
    )
    assert (
        "--annotator-map: the export names no annotator 'annotator-9' (its annotators: annotator-1, annotator-2)"
        in res.stderr
    )
    doc = only_doc(root)
    assert [load(root / f"annotations/annotators/{who}/{doc}.json")["annotators"] for who in ("alice", "bob")] == [
        ["alice"],
        ["bob"],
    ]
    names = tmp_path / "names.json"
    names.write_text(json.dumps({"1": "alice", "2": "alice"}), encoding="utf-8")  # one person twice: refused
    res = cli_fails(
        "import", "labelstudio", path, "--root", new_root(tmp_path, "b"), "--language", "nb", "--annotator-map", names
    )
    assert "annotator 'alice' annotated this text more than once in the export" in res.stderr
    res = cli_fails("import", "labelstudio", path, "--root", root, "--annotator-map", "1=Alice Smith,2")
    assert (
        "--annotator-map '1=Alice Smith': expected TOOL_NAME=NAME" in res.stderr and "--annotator-map '2'" in res.stderr
    )


ID_EXPORTS = {  # one new text each, every label ignored: the id is what is tested
    "brat": ("tools/brat", "Person=ignore,Organization=ignore,Money=ignore"),
    "labelstudio": ("tools/labelstudio/tasks.json", "Date=ignore,Location=ignore"),
    "prodigy": ("tools/prodigy/ner_manual.jsonl", "FASHION_BRAND=ignore"),
    "webanno": ("formats/webanno/merkel.tsv", "Acme|Tools[inc]=ignore,LASTNAME=ignore,PER=ignore"),
    "uima": ("formats/uima/merz-berlin.json", "PER=ignore"),
    "conllu": ("formats/conllu/bio.conllu", "PER=ignore,LOC=ignore,ORG=ignore"),
    "doccano": ("tools/doccano/sequence_labeling.jsonl", None),  # two texts
}


@pytest.mark.parametrize("fmt", sorted(ID_EXPORTS))
def test_id_names_the_one_new_text_of_every_format(fmt, tmp_path):
    export, label_map = ID_EXPORTS[fmt]
    root = new_root(tmp_path)
    options = ["--ner-key", "NER"] * (fmt == "conllu") + ["--label-map", label_map or "MISC=ignore"]
    run = cli_ok if label_map else cli_fails
    res = run("import", fmt, FIXTURES / export, "--root", root, "--id", "my-doc", "--language", "en", *options)
    if label_map:
        assert only_doc(root) == "my-doc"
        validate_ok(root)
    else:
        assert "--id names one new document, but the export holds several new texts; leave --id out" in res.stderr


def test_new_ids_come_from_the_names_the_export_gives_its_documents(tmp_path):
    root = new_root(tmp_path)
    task = ls_task("Oslo is cold.\n", (1, [(0, 4, "Oslo", "GPE")]))
    task["data"]["title"] = "Cold Oslo"
    (tmp_path / "project-7-at-2025-03-04.json").write_text(json.dumps([task]), encoding="utf-8")
    (tmp_path / "admin.jsonl").write_text(
        json.dumps({"id": 4, "name": "Wet Bergen", "text": "Bergen is wet.", "label": []}) + "\n", encoding="utf-8"
    )
    (tmp_path / "db.jsonl").write_text(
        json.dumps({"text": "Dark Tromsø.", "meta": {"title": "Dark Tromso"}, "spans": []}) + "\n", encoding="utf-8"
    )
    for fmt, name in (
        ("labelstudio", "project-7-at-2025-03-04.json"),
        ("doccano", "admin.jsonl"),
        ("prodigy", "db.jsonl"),
    ):
        cli_ok("import", fmt, tmp_path / name, "--root", root, "--language", "nb")
    assert sorted(p.name for p in (root / "corpus").glob("*.txt")) == [
        "cold-oslo.txt",
        "dark-tromso.txt",
        "wet-bergen.txt",
    ]
