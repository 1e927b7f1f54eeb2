"""`newsspan remove` and `newsspan rename`: a document's files as a whole (text, meta, released layer and
every annotator's layer), under the root's lock, the root valid after."""

import json

from newsspan.model import split_of

from contrib_helpers import cli, cli_fails, cli_ok, load, snapshot, validate_ok

FILES = ["corpus/tiny.txt", "corpus/tiny.meta.json", "annotations/tiny.json", "annotations/annotators/bob/tiny.json"]


def with_annotator(root):
    """The valid root with an annotator's copy of tiny's released layer."""
    (root / "annotations/annotators/bob").mkdir(parents=True)
    (root / "annotations/annotators/bob/tiny.json").write_bytes((root / "annotations/tiny.json").read_bytes())
    validate_ok(root)
    return root


def test_remove_deletes_every_file_of_the_document_printing_each(valid_root):
    root = with_annotator(valid_root)
    before = snapshot(root)
    res = cli_ok("remove", "--root", root, "tiny", "--dry-run")
    assert res.stdout.splitlines()[:-1] == [f"would remove {f}" for f in FILES] and "4 files would be" in res.stdout
    assert snapshot(root) == before
    res = cli_ok("remove", "--root", root, "tiny")
    assert res.stdout.splitlines()[:-1] == [f"removed {f}" for f in FILES] and "4 files removed" in res.stdout
    assert not [f for f in FILES if (root / f).exists()]
    validate_ok(root)


def test_remove_of_an_unknown_or_invalid_id_is_a_usage_error_removing_nothing(valid_root):
    before = snapshot(valid_root)
    for bad in ("nosuch", "../corpus/tiny"):
        res = cli("remove", "--root", valid_root, "tiny", bad)
        assert res.returncode == 2 and f"{bad!r} names no document" in res.stderr
    assert snapshot(valid_root) == before


def test_rename_moves_every_file_and_rewrites_the_ids_inside(valid_root):
    root = with_annotator(valid_root)
    texts = {f: (root / f).read_bytes() for f in FILES}
    res = cli_ok("rename", "--root", root, "tiny", "small")
    assert [f"renamed {f} -> {f.replace('tiny', 'small')}" for f in FILES] == res.stdout.splitlines()[: len(FILES)]
    assert not [f for f in FILES if (root / f).exists()]
    assert (root / "corpus/small.txt").read_bytes() == texts["corpus/tiny.txt"]
    assert load(root / "corpus/small.meta.json") == {**json.loads(texts["corpus/tiny.meta.json"]), "id": "small"}
    for f in FILES[2:]:
        assert load(root / f.replace("tiny", "small")) == {**json.loads(texts[f]), "document_id": "small"}
    validate_ok(root)


def test_rename_warns_when_the_derived_split_changes(valid_root):
    new = next(f"doc-{k}" for k in range(100) if split_of(f"doc-{k}") != split_of("tiny"))
    res = cli_ok("rename", "--root", valid_root, "tiny", new)
    assert f"the split is derived from the id: {new!r} is in {split_of(new)}" in res.stderr
    assert f'add "split": "{split_of("tiny")}" to the meta' in res.stderr


def test_rename_is_refused_onto_an_existing_or_invalid_id(valid_root):
    (valid_root / "annotations/other.json").write_bytes((valid_root / "annotations/tiny.json").read_bytes())
    before = snapshot(valid_root)
    res = cli_fails("rename", "--root", valid_root, "tiny", "other")
    assert "annotations/other.json: already exists: 'other' is the id of another document" in res.stderr
    res = cli_fails("rename", "--root", valid_root, "tiny", "Not An Id")
    assert "NEW 'Not An Id' is not a valid document id" in res.stderr and "'not-an-id'" in res.stderr
    assert cli("rename", "--root", valid_root, "nosuch", "x").returncode == 2
    assert snapshot(valid_root) == before
