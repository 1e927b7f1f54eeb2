"""An import that meets a corrupt annotation file already in the root reports it in that file (exit 1).

The import reads the released layer (for its sections) and the file it writes to (to keep what
the import does not replace); a broken one was an internal error with a Python exception.
"""

import json

import pytest

from contrib_helpers import cli_fails, snapshot

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
