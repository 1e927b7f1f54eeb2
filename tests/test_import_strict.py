"""Tool exports are read as strictly as corpus files, and what an import refuses is told at the export item.

Each case takes a hand-written export of tests/fixtures/tools/ (or one written here), breaks it in one
way, and runs `newsspan import` as a user does: exit 1, the export file named with the line and column
where the problem is (computed here from the bytes written, not copied from the output), the problem,
a `fix:` line, no traceback, and the root unchanged.
"""

import json
import shutil

import pytest

from conftest import FIXTURES
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot

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
