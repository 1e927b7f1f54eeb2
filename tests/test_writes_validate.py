"""Every file add and import write passes the whole validator, metadata included.

The meta of an article is partly guessed from its text (a title from the first line, authors
from a byline). A guess the schema would refuse is left out, with a note, never written invalid;
and the files a command is about to write are checked as `newsspan validate` checks them.
"""

import json

from contrib_helpers import cli_ok, load, new_root, validate_ok

LONG_FIRST_LINE = "Breaking " + "news " * 1000  # 5,009 characters: longer than a title may be (2,000)


def test_add_of_an_article_whose_first_line_is_5000_characters_writes_a_meta_that_validates(tmp_path):
    src = tmp_path / "long.txt"
    src.write_text(LONG_FIRST_LINE.strip() + "\n\nThe body of the article.\n", encoding="utf-8")
    assert len(LONG_FIRST_LINE.strip()) > 5000
    root = new_root(tmp_path)
    res = cli_ok("add", "--root", root, src, "--language", "en")
    assert "`title` is left out" in res.stderr and "longer than the maximum of 2000" in res.stderr
    meta = load(root / "corpus/long.meta.json")
    assert "title" not in meta and meta["language"] == "en"
    assert load(root / "annotations/long.json")["sections"][0]["label"] == "headline"  # the layout stays
    validate_ok(root)


def test_import_of_a_new_text_whose_first_line_is_5000_characters_writes_a_meta_that_validates(tmp_path):
    text = LONG_FIRST_LINE.strip() + "\n\nRome wins again.\n"
    start = text.index("Rome")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": 1, "text": text, "label": [[start, start + 4, "GPE"]]}) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_ok("import", "doccano", path, "--root", root, "--language", "en")
    assert "`title` is left out" in res.stderr
    (meta_path,) = (root / "corpus").glob("*.meta.json")
    assert "title" not in load(meta_path)
    validate_ok(root)


def test_check_writes_reports_what_validate_would_in_the_files_about_to_be_written(valid_root):
    from newsspan import store
    from newsspan.validator import check_writes

    from contrib_helpers import snapshot

    root = store.Root(valid_root)
    meta = load(valid_root / "corpus/tiny.meta.json")
    ann = load(valid_root / "annotations/tiny.json")
    before = snapshot(valid_root)
    assert check_writes(root, [(root.meta_path("tiny"), json.dumps(meta).encode())]) == []
    bad_meta = {**meta, "title": "x" * 2001, "text_sha256": "0" * 64}
    bad_ann = {**ann, "entities": [{**ann["entities"][0], "start": ann["entities"][0]["start"] + 1}]}
    found = check_writes(
        root,
        [
            (root.meta_path("tiny"), json.dumps(bad_meta).encode()),
            (root.annotation_path("tiny", "bob"), json.dumps(bad_ann).encode()),
        ],
    )
    assert {(p.path, p.check) for p in found} == {
        ("corpus/tiny.meta.json", "schema"),
        ("corpus/tiny.meta.json", "meta-hash-mismatch"),
        ("annotations/annotators/bob/tiny.json", "span-text-mismatch"),
    }
    assert snapshot(valid_root) == before  # checked in a scratch copy: nothing written
