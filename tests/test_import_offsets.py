"""Offsets in tool exports: whole numbers, read by one function, in one unit per Label Studio task.

JSON `true` is a Python int, so `"end": true` once became offset 1 in doccano and Prodigy
imports; a negative token index counted from the end. Label Studio offsets were read in code
points or UTF-16 units span by span, so one task could be read in two units at once.
"""

import json

import pytest

from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot

TEXT = "Rome wins again."


def doccano(label):
    return "doccano", json.dumps({"text": TEXT, "label": [label]}) + "\n"


def prodigy(span, tokens=None):
    task = {"text": TEXT, "spans": [span], "answer": "accept"}
    if tokens:
        task["tokens"] = tokens
    return "prodigy", json.dumps(task) + "\n"


def labelstudio(value):
    return "labelstudio", json.dumps(
        [
            {
                "id": 1,
                "data": {"text": TEXT},
                "annotations": [
                    {"id": 2, "result": [{"id": "r1", "type": "labels", "value": {**value, "labels": ["GPE"]}}]}
                ],
            }
        ]
    )


TOKENS = [
    {"text": "Rome", "start": 0, "end": 4, "id": 0},
    {"text": "wins", "start": 5, "end": 9, "id": 1},
    {"text": "again", "start": 10, "end": 15, "id": 2},
    {"text": ".", "start": 15, "end": 16, "id": 3},
]

BAD = {
    # name: (format, export content, what the message names)
    "doccano end true": (*doccano([0, True, "GPE"]), "label[0]: GPE: end is true"),
    "doccano start false": (*doccano([False, 4, "GPE"]), "label[0]: GPE: start is false"),
    "doccano float": (*doccano([0, 4.0, "GPE"]), "end is 4.0"),
    "doccano string": (*doccano(["0", 4, "GPE"]), 'start is "0"'),
    "doccano negative": (*doccano([-1, 4, "GPE"]), "start is -1"),
    "doccano entities true": (
        "doccano",
        json.dumps({"text": TEXT, "entities": [{"start_offset": 0, "end_offset": True, "label": "GPE"}]}) + "\n",
        "entities[0]: GPE: end_offset is true",
    ),
    "prodigy end true": (*prodigy({"start": 0, "end": True, "label": "GPE"}), "spans[0]: GPE: end is true"),
    "prodigy negative token index": (
        *prodigy({"token_start": 0, "token_end": -4, "label": "GPE"}, TOKENS),
        "spans[0]: GPE: token_end is -4",
    ),
    "prodigy token index true": (
        *prodigy({"token_start": True, "token_end": 0, "label": "GPE"}, TOKENS),
        "spans[0]: GPE: token_start is true",
    ),
    "prodigy token offset float": (
        *prodigy({"token_start": 0, "token_end": 0, "label": "GPE"}, [{**TOKENS[0], "end": 4.0}] + TOKENS[1:]),
        "tokens[0].end is 4.0",
    ),
    "labelstudio end true": (*labelstudio({"start": 0, "end": True, "text": "R"}), "result r1: value.end is true"),
    "labelstudio start float": (
        *labelstudio({"start": 0.0, "end": 4, "text": "Rome"}),
        "result r1: value.start is 0.0",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_offset_is_a_whole_number_or_an_error_naming_the_item(case, tmp_path):
    fmt, content, expect = BAD[case]
    path = tmp_path / ("export.json" if fmt == "labelstudio" else "export.jsonl")
    path.write_text(content, encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", fmt, path, "--root", root, "--label-map", "GPE=GPE", "--language", "en")
    assert expect in res.stderr
    assert snapshot(root) == {}


def test_brat_offsets_are_ascii_digits(tmp_path):
    """Python's \\d and int() take any script's digits: '٣' would have become offset 3."""
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tGPE 0 \u0664\tRome\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "brat", folder, "--root", root, "--language", "en")
    assert "doc.ann:1" in res.stderr and "malformed text-bound line" in res.stderr
    assert snapshot(root) == {}


# Label Studio: one offset unit per task ----------------------------------------------------------

# Three astral characters (two UTF-16 units each) shift every later UTF-16 offset by 3: "ab" at
# UTF-16 [10, 12) is the second "ab" (code points [7, 9)), and code points [10, 12) hold the third.
EMOJI_TEXT = "\U0001f600\U0001f600\U0001f600 ab ab ab Rome"


def ls_task(*results):
    return [
        {
            "id": 7,
            "data": {"text": EMOJI_TEXT},
            "annotations": [
                {
                    "id": 70,
                    "completed_by": 1,
                    "result": [
                        {"id": rid, "type": "labels", "value": {"start": s, "end": e, "text": q, "labels": [lab]}}
                        for rid, s, e, q, lab in results
                    ],
                }
            ],
        }
    ]


def ents(root):
    doc = next(p.stem for p in (root / "annotations").glob("*.json"))
    return [(e["label"], e["start"], e["end"], e["text"]) for e in load(root / f"annotations/{doc}.json")["entities"]]


def test_labelstudio_reads_a_whole_task_in_the_unit_all_its_results_fit(tmp_path):
    assert EMOJI_TEXT[13:17] == "Rome" and EMOJI_TEXT[7:9] == EMOJI_TEXT[10:12] == "ab"
    path = tmp_path / "ls.json"
    # "Rome" fits only UTF-16 units; "ab" at [10, 12) fits both units, at different places:
    # the task is in UTF-16 units, so it is the second "ab", never the third
    path.write_text(json.dumps(ls_task(("rome", 16, 20, "Rome", "GPE"), ("ab", 10, 12, "ab", "ORG"))), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_ok("import", "labelstudio", path, "--root", root, "--language", "en")
    assert "task 7: offsets counted in UTF-16 units were converted" in res.stderr
    assert sorted(ents(root)) == [("GPE", 13, 17, "Rome"), ("ORG", 7, 9, "ab")]


def test_labelstudio_task_whose_results_fit_different_units_is_an_error_naming_it(tmp_path):
    path = tmp_path / "ls.json"
    # "Rome" fits only UTF-16 units, the first "ab" at [4, 6) only code points
    path.write_text(json.dumps(ls_task(("rome", 16, 20, "Rome", "GPE"), ("ab", 4, 6, "ab", "ORG"))), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "en")
    assert "ls.json: task 7: the offset unit of the task cannot be decided" in res.stderr
    assert "result rome: fits only UTF-16 units" in res.stderr and "result ab: fits only code points" in res.stderr
    assert snapshot(root) == {}


def test_labelstudio_task_lists_the_results_that_fit_neither_unit(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(ls_task(("rome", 16, 20, "Rome", "GPE"), ("bad", 5, 8, "ab", "ORG"))), encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "labelstudio", path, "--root", root, "--language", "en")
    assert "task 7: the offset unit of the task cannot be decided: 1 of its 2 results fit neither" in res.stderr
    assert "annotation 70, result bad: [5, 8) value.text 'ab'" in res.stderr and "result rome:" not in res.stderr
    assert snapshot(root) == {}


def test_webanno_offsets_are_ascii_digits(tmp_path):
    header = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
    body = "#Text=Rome wins again.\n1-1\t0-4\tRome\tGPE\n1-2\t5-9\twins\t_\n1-3\t10-15\tagain\t_\n1-4\t15-16\t.\t_\n"
    path = tmp_path / "doc.tsv"
    path.write_text(header + body, encoding="utf-8")
    root = new_root(tmp_path)
    cli_ok("import", "webanno", path, "--root", root, "--label-map", "GPE=GPE", "--language", "en")
    assert ents(root) == [("GPE", 0, 4, "Rome")]
    path.write_text(header + body.replace("1-1\t0-4\t", "1-1\t0-\u0664\t"), encoding="utf-8")  # Arabic-Indic 4
    root2 = new_root(tmp_path, "root2")
    res = cli_fails("import", "webanno", path, "--root", root2, "--label-map", "GPE=GPE", "--language", "en")
    assert "doc.tsv:6: expected a token row" in res.stderr
    assert snapshot(root2) == {}
