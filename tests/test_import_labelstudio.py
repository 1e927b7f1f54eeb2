"""Label Studio JSON: the reader (one offset unit per task, annotators, what it does not read), the writer,
and `newsspan import labelstudio` end to end."""

import json

import pytest

from newsspan.formats import labelstudio
from newsspan.model import Document, Entity
from tool_cases import (
    CASES,
    EMOJI,
    TOOLS,
    check,
    entities,
    files_of,
    help_of,
    ids,
    ls_task,
    new_root,
    newsspan,
    valid,
    written,
)

from conftest import samples


@pytest.mark.parametrize("case", ids("labelstudio"))
def test_reader(case, tmp_path):
    check(CASES["labelstudio", case], tmp_path)


# Three astral characters (two UTF-16 units each) shift every later UTF-16 offset by 3: "ab" at UTF-16
# [10, 12) is the second "ab" (code points [7, 9)), and code points [10, 12) hold the third.
THREE = "\U0001f600\U0001f600\U0001f600 ab ab ab Rome"


def read(tmp_path, *results):
    return labelstudio.load(written("ls.json", ls_task(THREE, *results, tid=7, aid=70))(tmp_path))


def test_a_task_is_read_in_the_one_unit_all_its_results_fit(tmp_path):
    assert THREE[13:17] == "Rome" and THREE[7:9] == THREE[10:12] == "ab"
    # "Rome" fits only UTF-16 units; "ab" at [10, 12) fits both, at different places: the second "ab", never the third
    parsed = read(tmp_path, ("rome", 16, 20, "Rome", "GPE"), ("ab", 10, 12, "ab", "ORG"))
    assert [(s.label, s.start, s.end) for s in parsed.docs[0].spans] == [("GPE", 13, 17), ("ORG", 7, 9)]
    assert parsed.notes == ["ls.json: task 7: offsets counted in UTF-16 units were converted to code points"]


def test_a_task_whose_results_fit_different_units_is_read_in_the_unit_most_fit_naming_the_others(tmp_path):
    # "Rome" fits only UTF-16 units, "ab" at [4, 6) only code points: a tie, read as code points (Label Studio's unit)
    parsed = read(tmp_path, ("rome", 16, 20, "Rome", "GPE"), ("ab", 4, 6, "ab", "ORG"))
    [warning] = [str(w) for w in parsed.warnings]
    assert warning.startswith("ls.json: task 7: offsets read as code points, which 1 of its 2 results fit; these fit")
    assert "\n    ls.json: task 7, annotation 70, result rome\n" in warning and "--offsets utf16" in warning
    [error] = [str(e) for e in parsed.errors]  # the one that does not fit is an error of its own
    assert error.startswith("ls.json: task 7, annotation 70, result rome: GPE [16, 20): offset 20 is outside the text")
    assert [(s.label, s.start, s.end) for s in parsed.docs[0].spans] == [("ORG", 4, 6)]


def test_a_result_that_fits_neither_unit_is_its_own_error_and_the_others_are_read(tmp_path):
    parsed = read(tmp_path, ("rome", 16, 20, "Rome", "GPE"), ("bad", 5, 8, "ab", "ORG"))
    [error] = [str(e) for e in parsed.errors]  # UTF-16 offset 5 is the middle of the third emoji
    assert error.startswith("ls.json: task 7, annotation 70, result bad: ORG [5, 8): UTF-16 offset 5 falls inside")
    assert [(s.label, s.start, s.end) for s in parsed.docs[0].spans] == [("GPE", 13, 17)] and not parsed.warnings


def test_one_shifted_result_is_its_own_error_not_the_task_s_unit(tmp_path):
    text = "Angela Merkel met Emmanuel Macron in Berlin."  # no astral character: both units agree
    parsed = labelstudio.load(
        written("ls.json", ls_task(text, ("a", 0, 13, "Angela Merkel", "P"), ("b", 19, 34, "Emmanuel Macron", "P")))(
            tmp_path
        )
    )
    [error] = parsed.errors
    assert error.where.endswith("result b") and error.message.startswith("P [19, 34): the tool's text")
    assert "--fix-shifts" in error.hint and "[18, 33)" in error.hint  # its quote, once, one character before
    assert parsed.shifts == [(error, "'Emmanuel Macron' [19, 34) -> [18, 33)")]


def test_offsets_option_names_the_unit(tmp_path):
    parsed = labelstudio.load(
        written("ls.json", ls_task(EMOJI, ("r", 22, 32, "firetrucks", "P")))(tmp_path), "codepoint"
    )
    [error] = [str(e) for e in parsed.errors]
    assert error.startswith("ls.json: task 1, annotation 2, result r: P [22, 32): the tool's text 'firetrucks' differs")


def test_annotators_predictions_cancelled_and_other_result_types(tmp_path):
    task = json.loads(ls_task("Oslo is cold.", ("r", 0, 4, "Oslo", "GPE")))[0]
    html = json.loads((TOOLS / "labelstudio/html_result.json").read_text(encoding="utf-8"))
    task["annotations"] += [
        {"id": 3, "completed_by": {"email": "jane.doe@example.org"}, "result": html},
        {"id": 4, "was_cancelled": True, "result": []},
    ]
    task["predictions"] = [{"result": []}]
    parsed = labelstudio.load(written("ls.json", json.dumps([task, {"id": 9, "data": {"text": "x"}}]))(tmp_path))
    assert [(d.annotator, len(d.spans)) for d in parsed.docs] == [("annotator-1", 1), ("jane.doe", 0)]
    assert [w.headline() for w in parsed.warnings] == [
        "ls.json: task 1: 1 prediction(s) are not imported: only annotations are",
        "ls.json: task 1, annotation 3, result h1: a result of type 'hypertextlabels' is not imported: only plain-text "
        "`labels` spans are (HTML offsets are XPath ranges, not text offsets)",
        "ls.json: task 1, annotation 4: the annotation was cancelled (skipped) in Label Studio; it is not imported",
        "ls.json: task 9: the task has no `annotations` (nor 0.x `completions`); its text is not imported",
    ]


def test_the_writer_gives_tasks_with_the_entities_as_predictions_and_the_config_names_every_label():
    text = "Ann Lee is in Oslo."
    doc = Document(
        "d1",
        text,
        status="gold",
        entities=(Entity("e1", 0, 7, "Ann Lee", "PERSON"), Entity("e2", 14, 18, "Oslo", "GPE")),
    )
    [task] = json.loads(labelstudio.export([doc])[""])
    assert task["data"] == {"text": text, "id": "d1"}
    [prediction] = task["predictions"]
    assert [(r["value"]["labels"], text[r["value"]["start"] : r["value"]["end"]]) for r in prediction["result"]] == [
        (["PERSON"], "Ann Lee"),
        (["GPE"], "Oslo"),
    ]
    assert prediction["model_version"] == "newsspan (gold)"
    config = labelstudio.labeling_config()
    assert '<Label value="PERSON"/>' in config and '<Text name="text" value="$text"/>' in config


def test_import_needs_a_map_for_the_tools_labels_then_validates(tmp_path):
    root = new_root(tmp_path)
    code, _, err = newsspan("import", "labelstudio", TOOLS / "labelstudio/tasks.json", "--root", root)
    assert code == 1 and "'Date' (1 span), 'Location' (1 span)" in err and "--label-map 'Date=DATE,Location=LOC'" in err
    assert files_of(root) == {}
    code, _, err = newsspan(
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
    assert code == 0, err
    (doc,) = (p.stem for p in (root / "annotations").glob("*.json"))
    assert entities(root, doc) == [("GPE", 17, 23, "Lisbon"), ("DATE", 27, 34, "March 3")]
    assert valid(root)


def test_the_label_studio_sample(tmp_path):
    parsed = labelstudio.load(samples("labelstudio/named_entity_annotation_1.json"))
    [doc] = parsed.docs
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("Date", "February 22")
    ] and parsed.errors == []
    with pytest.raises(labelstudio.FormatError, match="not a Label Studio export"):
        labelstudio.load(samples("labelstudio/html_document_hypertextlabels_result_excerpt.json"))


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("labelstudio")
    assert all(option in out for option in ["--offsets", "--annotator"]) and not any(
        option in out for option in ["--entity-layer", "--ner-key"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count
