"""newsspan pack / unpack: a corpus as Parquet rows of whole documents, and back, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsspan import Corpus, pack, validator
from newsspan.corpus import document_of

from conftest import snapshot
from planted import planted_root


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return planted_root(tmp_path_factory.mktemp("planted") / "root", 40)[0]


def corpus_files(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if k.startswith(("corpus/", "annotations/"))}


def test_pack_then_unpack_into_an_empty_root_restores_every_file_byte_for_byte(planted, tmp_path, cli):
    code, out, err = cli("pack", "--root", planted, "--out", tmp_path / "pack", "--rows-per-shard", "16")
    assert code == 0, err
    # 40 documents, the ghost layer and the badly named text: 42 rows, in shards of 16
    assert sorted(os.listdir(tmp_path / "pack")) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert "42 documents" in out
    code, out, err = cli("unpack", tmp_path / "pack", "--root", tmp_path / "restored")
    assert code == 0, err
    assert "run `newsspan validate`" in out
    assert corpus_files(tmp_path / "restored") == corpus_files(planted)
    # a second unpack finds every file in place
    code, out, _ = cli("unpack", tmp_path / "pack", "--root", tmp_path / "restored")
    assert code == 0
    assert f"0 files written, {len(corpus_files(planted))} unchanged" in out


def test_a_pack_is_parquet_with_one_row_per_document(planted, tmp_path):
    done = pack.pack(pack.store.Root(planted), tmp_path / "pack")
    table = pa.concat_tables(pq.read_table(p) for p in sorted((tmp_path / "pack").iterdir()))
    assert table.column_names == list(pack.COLUMNS)
    assert table.schema.field("annotators").type == pa.list_(pa.struct([("name", pa.string()), ("data", pa.binary())]))
    rows = {r["id"]: r for r in table.to_pylist()}
    assert done.documents == len(rows) == 42
    assert rows["ghost"]["text"] is None and rows["ghost"]["annotation"] is not None  # a layer without its text
    unannotated = [i for i, r in rows.items() if r["annotation"] is None]
    assert len(unannotated) == 2  # the document whose layer was removed, and the badly named text
    layered = [r for r in rows.values() if r["annotators"]]
    assert [a["name"] for a in layered[0]["annotators"]] == ["alice", "bob"]
    # each row is what the validator reads from the root
    root = validator.store.Root(planted)
    for stem in ("ghost", layered[0]["id"], unannotated[0]):
        assert pack.document_files(rows[stem]) == validator.read_document(root, stem)


def test_document_of_gives_the_document_corpus_reads(planted):
    corpus = Corpus(planted)
    doc_id = corpus.ids[-1]
    files = validator.read_document(corpus.root, doc_id)
    assert document_of(doc_id, files.text, files.meta, files.annotations[None]) == corpus[doc_id]
    with pytest.raises(ValueError, match=rf"annotations/{doc_id}.json: cannot be read as JSON"):
        document_of(doc_id, files.text, files.meta, b"{")
    with pytest.raises(ValueError, match=rf"corpus/{doc_id}.txt: cannot be read \(.*the file is UTF-16"):
        document_of(doc_id, b"\xff\xfeA\x00", None, None)


def test_unpack_refuses_to_replace_a_different_file_and_then_writes_nothing(planted, tmp_path, cli):
    pack.pack(pack.store.Root(planted), tmp_path / "pack")
    target = tmp_path / "root"
    (target / "corpus").mkdir(parents=True)
    (target / "annotations").mkdir()
    (target / "corpus" / "bench-0000000.txt").write_bytes(b"Another text.\n")
    code, _, err = cli("unpack", tmp_path / "pack", "--root", target)
    assert code == 1
    assert "corpus/bench-0000000.txt: error[unpack] the root holds another file here" in err
    assert "nothing was written" in err
    assert corpus_files(target) == {"corpus/bench-0000000.txt": b"Another text.\n"}


def test_unpack_refuses_a_pack_whose_names_are_no_file_names(tmp_path, cli):
    (tmp_path / "pack").mkdir()
    row = {"id": "../../escape", "text": b"x\n", "meta": None, "annotation": None, "annotators": []}
    pq.write_table(pack.table([row]), tmp_path / "pack" / "part-00000.parquet")
    code, _, err = cli("unpack", tmp_path / "pack", "--root", tmp_path / "root")
    assert code == 1
    assert "'../../escape' under a name that is no file name" in err
    assert not list((tmp_path / "root" / "corpus").iterdir())
    assert not (tmp_path / "escape.txt").exists()


def test_unpack_of_what_is_no_pack_is_a_usage_error(tmp_path, cli):
    (tmp_path / "other").mkdir()
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other" / "x.parquet")
    code, _, err = cli("unpack", tmp_path / "other", "--root", tmp_path / "root")
    assert code == 2
    assert "is not a newsspan pack: it has no column id, text, meta, annotation, annotators" in err
    code, _, err = cli("unpack", tmp_path / "missing", "--root", tmp_path / "root")
    assert code == 2
    assert "cannot be read as a pack" in err


def test_pack_refuses_a_file_it_cannot_read_and_writes_nothing(planted, tmp_path, cli):
    root = tmp_path / "root"
    root.mkdir()
    for name in ("corpus", "annotations"):
        (root / name).symlink_to(planted / name)
    code, _, err = cli("pack", "--root", root, "--out", tmp_path / "pack")
    assert code == 1
    assert "error[path-outside-root]" in err and "nothing was written" in err
    assert not (tmp_path / "pack").exists()


def test_pack_names_the_files_it_leaves_out_and_replaces_only_a_pack(planted, tmp_path, cli):
    (planted / "corpus" / "notes.md").write_text("not a document\n")
    try:
        code, _, err = cli("pack", "--root", planted, "--out", tmp_path / "pack")
    finally:
        (planted / "corpus" / "notes.md").unlink()
    assert code == 0
    assert "left out 1 file of no document: corpus/notes.md" in err
    assert cli("pack", "--root", planted, "--out", tmp_path / "pack")[0] == 0  # a previous pack is replaced
    (tmp_path / "pack" / "README.md").write_text("mine\n")
    code, _, err = cli("pack", "--root", planted, "--out", tmp_path / "pack")
    assert code == 2
    assert "holds other files than a pack's" in err
    code, _, err = cli("pack", "--root", planted, "--out", planted / "corpus" / "pack")
    assert code == 2
    assert "inside corpus/ or annotations/" in err


def test_outside_any_corpus_pack_and_unpack_exit_2_and_write_nothing(cli, tmp_path):
    for args in (["pack", "--out", "pack"], ["unpack", "pack"]):
        code, _, err = cli(*args, cwd=tmp_path)
        assert code == 2, err
        assert "not inside a newsspan corpus" in err
    assert list(tmp_path.iterdir()) == []
