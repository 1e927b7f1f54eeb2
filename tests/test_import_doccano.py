"""doccano JSONL: the reader (UTF-16 offsets, per-user exports, label triples and entity lists)."""

import json
import zipfile

import pytest

from newsspan.formats import doccano
from newsspan.model import Document, Entity
from tool_cases import CASES, EMOJI, check, help_of, ids, jsonl, mentions, newsspan, round_trip, shipped_root, valid

from conftest import samples


@pytest.mark.parametrize("case", ids("doccano"))
def test_reader(case, tmp_path):
    check(CASES["doccano", case], tmp_path)


def test_a_per_user_export_names_each_annotator_by_its_file(tmp_path):
    text = "Lagos is in Nigeria."
    records = {
        "admin.jsonl": {"id": 4, "text": text, "label": [[0, 5, "GPE"], [12, 19, "GPE"]]},
        "ade.jsonl": {"id": 4, "text": text, "label": [[0, 5, "GPE"]]},
        "all.jsonl": {"id": 4, "text": text, "label": []},
    }
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        for name, record in records.items():
            z.writestr(name, jsonl(record))
    (tmp_path / "folder").mkdir()
    for name, record in records.items():
        (tmp_path / "folder" / name).write_text(jsonl(record), encoding="utf-8")
    for path in (tmp_path / "export.zip", tmp_path / "folder"):
        parsed = doccano.load(path)
        assert [(d.annotator, d.name, len(d.spans)) for d in parsed.docs] == [
            ("ade", "export-4" if path.suffix else "folder-4", 1),
            ("admin", "export-4" if path.suffix else "folder-4", 2),
            (None, "export-4" if path.suffix else "folder-4", 0),
        ]


def test_a_json_list_of_records_names_each_records_line(tmp_path):
    records = [{"id": 1, "text": "EU", "label": [[0, 2, "ORG"]]}, {"id": 2, "text": "Oslo", "label": [[0, 9, "GPE"]]}]
    (tmp_path / "all.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
    parsed = doccano.load(tmp_path / "all.json")
    # indent=2: the second record opens on line 13, after the 11 lines of the first and the list's "["
    assert [e.headline() for e in parsed.errors] == [
        "all.json:13 label[0]: GPE [0, 9): offset 9 is outside the text (0..4 utf16 units)"
    ]


def test_the_doccano_samples():
    parsed = doccano.load(samples("doccano/export_sequence_labeling.jsonl"))
    assert [(s.label, d.text[s.start : s.end]) for d in parsed.docs for s in d.spans][:3] == [
        ("ORG", "EU"),
        ("MISC", "German"),
        ("PERSON", "Peter Blackburn"),
    ]
    parsed = doccano.load(samples("doccano/export_relation_extraction.json"))
    assert len(parsed.warnings) == 3 and all("the schema holds no relations" in str(w) for w in parsed.warnings)
    parsed = doccano.load(samples("doccano/import_relation_extraction.jsonl"))
    [doc] = parsed.docs
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("ORG", "Google"),
        ("DATE", "September 4, 1998"),
        ("PERSON", "Larry Page"),
        ("PERSON", "Sergey Brin"),
    ]


def test_export_doccano_is_read_back_to_the_same_mentions(tmp_path):
    shipped, out = shipped_root(tmp_path), tmp_path / "export.jsonl"
    code, _, err = newsspan("export", "doccano", "--root", shipped, "--out", out)
    assert code == 0, err
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = record["text"]  # UTF-16 offsets: the text has none beyond the BMP, so they are code points here
    assert all(text[s:e] for s, e, _ in record["label"]) and len(record["label"]) == 52
    back = round_trip("doccano", tmp_path, out)
    assert mentions(back, kb=False) == mentions(shipped, kb=False) and valid(back)


def test_the_writer_counts_utf16_units():
    doc = Document("d1", EMOJI, status="gold", entities=(Entity("e1", 19, 29, "firetrucks", "PRODUCT"),))
    [record] = [json.loads(line) for line in doccano.export([doc])[""].decode().splitlines()]
    assert record == {"id": "d1", "text": EMOJI, "label": [[22, 32, "PRODUCT"]]}


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("doccano")
    assert all(option in out for option in ["--offsets", "--nested"]) and not any(
        option in out for option in ["--entity-layer", "--ner-key"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count
