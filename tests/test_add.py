"""`newsspan add`: raw article -> canonical text, metadata and a draft layer pre-annotated from the layout."""

import hashlib
import unicodedata

from conftest import REPO, SEED
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

GOLD_ID = "000_1afbb3b63b1bfa60"


def test_seed_article_reproduces_the_gold_meta_and_sections(tmp_path):
    root = new_root(tmp_path)
    res = cli_ok("add", "--root", root, SEED)
    assert GOLD_ID in res.stdout
    meta = load(root / f"corpus/{GOLD_ID}.meta.json")
    assert meta == load(REPO / f"corpus/{GOLD_ID}.meta.json")
    draft = load(root / f"annotations/{GOLD_ID}.json")
    gold = load(REPO / f"annotations/{GOLD_ID}.json")
    assert draft["status"] == "draft" and draft["entities"] == [] and draft["claims"] == []
    assert [(s["label"], s["start"], s["end"], s["text"]) for s in draft["sections"]] == [
        (s["label"], s["start"], s["end"], s["text"]) for s in gold["sections"]
    ]
    assert (root / f"corpus/{GOLD_ID}.txt").read_bytes() == (REPO / f"corpus/{GOLD_ID}.txt").read_bytes()
    validate_ok(root)


def test_duplicate_article_is_refused_naming_the_existing_id(tmp_path):
    root = new_root(tmp_path)
    cli_ok("add", "--root", root, SEED)
    before = snapshot(root)
    # same text with other line ends and a BOM: the canonical text is the same
    other = tmp_path / "copy.txt"
    other.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n"))
    res = cli_fails("add", "--root", root, other)
    assert GOLD_ID in res.stderr and "already in the corpus" in res.stderr
    assert snapshot(root) == before


def test_crlf_bom_article_is_canonicalised_and_keeps_the_source_hash(tmp_path):
    root = new_root(tmp_path)
    raw = "\ufeffCouncil approves budget\r\n\r\nThe council approved the budget on Monday.\r\nIt takes effect in May.\r\n".encode()
    src = tmp_path / "Council Budget (2024).txt"
    src.write_bytes(raw)
    cli_ok("add", "--root", root, src, "--language", "en", "--split", "test")
    doc_id = "council-budget-2024"
    text = (root / f"corpus/{doc_id}.txt").read_bytes()
    assert b"\r" not in text and not text.startswith(b"\xef\xbb\xbf")
    meta = load(root / f"corpus/{doc_id}.meta.json")
    assert meta["source_sha256"] == hashlib.sha256(raw).hexdigest()
    assert meta["text_sha256"] == hashlib.sha256(text).hexdigest()
    assert meta["title"] == "Council approves budget" and meta["language"] == "en" and meta["split"] == "test"
    assert meta["source"] == meta["url"] == meta["license"] == "unknown"
    ann = load(root / f"annotations/{doc_id}.json")
    assert [s["label"] for s in ann["sections"]] == ["headline", "paragraph"]
    assert ann["sections"][1]["text"] == "The council approved the budget on Monday.\nIt takes effect in May."
    validate_ok(root)


def test_nfd_article_becomes_nfc(tmp_path):
    root = new_root(tmp_path)
    body = " date 2024-02-01 fr French\nMonde\nPar : Zoé Lefèvre\nPublié le : 1 février 2024\nLa réunion à Genève\n\nLes délégués se sont réunis à Genève.\n"
    src = tmp_path / "geneve.txt"
    src.write_bytes(unicodedata.normalize("NFD", body).encode())
    res = cli_ok("add", "--root", root, src)
    text = (root / "corpus/geneve.txt").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", body)
    meta = load(root / "corpus/geneve.meta.json")
    assert meta["authors"] == ["Zoé Lefèvre"] and meta["language"] == "fr" and meta["topic"] == "Monde"
    assert "published" not in meta and "published" in res.stderr  # not read, and said so
    labels = [s["label"] for s in load(root / "annotations/geneve.json")["sections"]]
    assert labels == ["header", "topic", "byline", "dateline", "headline", "paragraph"]
    validate_ok(root)


def test_chinese_article_header_is_recognised_by_shape(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "zh-1.txt"
    src.write_text(
        " date 2024-03-05 zh-Hans Chinese\n国际\n\n作者：张三、李四\n发布时间：2024年3月5日 10:30\n中美外交官在华盛顿举行会谈\n\n"
        "美国国务卿布林肯周五在华盛顿会见了中国官员刘建超。\n\n背景\n\n会谈持续了两个小时。\n",
        encoding="utf-8",
    )
    cli_ok("add", "--root", root, src, "--id", "zh-talks")
    meta = load(root / "corpus/zh-talks.meta.json")
    assert meta["language"] == "zh-Hans" and meta["authors"] == ["张三", "李四"]
    assert meta["published"] == "2024-03-05T10:30:00" and meta["title"] == "中美外交官在华盛顿举行会谈"
    secs = load(root / "annotations/zh-talks.json")["sections"]
    assert [(s["label"], s["text"]) for s in secs] == [
        ("header", "date 2024-03-05 zh-Hans Chinese"),
        ("topic", "国际"),
        ("byline", "作者：张三、李四"),
        ("dateline", "发布时间：2024年3月5日 10:30"),
        ("headline", "中美外交官在华盛顿举行会谈"),
        ("paragraph", "美国国务卿布林肯周五在华盛顿会见了中国官员刘建超。"),
        ("heading", "背景"),
        ("paragraph", "会谈持续了两个小时。"),
    ]
    validate_ok(root)


def test_nothing_is_overwritten_without_force_and_force_keeps_real_annotations(valid_root, tmp_path):
    src = tmp_path / "tiny.txt"
    src.write_text("A corrected tiny text.\n", encoding="utf-8")
    before = snapshot(valid_root)
    res = cli_fails("add", "--root", valid_root, src)
    assert "corpus/tiny.txt already exists" in res.stderr and "--force" in res.stderr
    assert snapshot(valid_root) == before
    res = cli_ok("add", "--root", valid_root, src, "--force", "--language", "en")
    assert (valid_root / "corpus/tiny.txt").read_text() == "A corrected tiny text.\n"
    # the gold annotation is kept, and the user told to re-anchor
    assert (valid_root / "annotations/tiny.json").read_bytes() == before["annotations/tiny.json"]
    assert "newsspan reanchor tiny" in res.stderr


def test_a_failure_leaves_no_partial_files(tmp_path):
    root = new_root(tmp_path)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nGood body.\n", encoding="utf-8")
    (folder / "bad.txt").write_bytes("Caf\u00e9 in Latin-1\n".encode("latin-1"))
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    res = cli_fails("add", "--root", root, folder, "--language", "en")
    assert "bad.txt" in res.stderr and "not UTF-8" in res.stderr
    assert snapshot(root) == {}
    (folder / "bad.txt").unlink()
    cli_ok("add", "--root", root, folder, "--language", "en")
    assert sorted(snapshot(root)) == ["annotations/good.json", "corpus/good.meta.json", "corpus/good.txt"]


def test_bad_input_exits_1_and_leaves_the_root_unchanged(valid_root, tmp_path):
    before = snapshot(valid_root)
    res = cli_fails("add", "--root", valid_root, tmp_path / "missing.txt")
    assert "no such file" in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in cli_fails("add", "--root", valid_root, empty).stderr
    two = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for p in two:
        p.write_text(f"{p.stem} text\n", encoding="utf-8")
    assert "--id" in cli_fails("add", "--root", valid_root, *two, "--id", "x").stderr
    assert "BCP 47" in cli_fails("add", "--root", valid_root, two[0], "--language", "english language").stderr
    assert snapshot(valid_root) == before
