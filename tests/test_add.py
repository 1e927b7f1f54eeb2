"""`newsspan add`: raw article -> canonical text, metadata and a draft layer pre-annotated from the layout."""

import hashlib
import unicodedata

import pytest

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
    body = " date 2024-02-01 fr French\nMonde\nPar : Zoé Lefèvre\nPublié le : 01/02/24 à 10 h 30\nLa réunion à Genève\n\nLes délégués se sont réunis à Genève.\n"
    src = tmp_path / "geneve.txt"
    src.write_bytes(unicodedata.normalize("NFD", body).encode())
    res = cli_ok("add", "--root", root, src)
    text = (root / "corpus/geneve.txt").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", body)
    meta = load(root / "corpus/geneve.meta.json")
    assert meta["authors"] == ["Zoé Lefèvre"] and meta["language"] == "fr" and meta["topic"] == "Monde"
    assert "published" not in meta and "published" in res.stderr  # a date of two-digit year: not read, and said so
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


# layouts without a scrape header -----------------------------------------------------------------


def sections_and_meta(tmp_path, text: str, name="article"):
    root = new_root(tmp_path, name)
    src = tmp_path / f"{name}.txt"
    src.write_text(text, encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    ann, meta = load(root / f"annotations/{name}.json"), load(root / f"corpus/{name}.meta.json")
    validate_ok(root)
    return [(s["label"], s["text"]) for s in ann["sections"]], meta


@pytest.mark.parametrize(
    "text,sections",
    [
        ("One long paragraph of a scrape. It has sentences, and no line break at all.", ["paragraph"]),
        ("The council met on Monday.\nIt approved the budget.\nIt takes effect in May.\n", ["paragraph"]),
        ("The council met on Monday.\n\nIt approved the budget.\n", ["paragraph", "paragraph"]),
        ("Council approves budget\n\nThe council met on Monday.\n", ["headline", "paragraph"]),
    ],
)
def test_a_title_is_found_only_where_the_layout_shows_one(text, sections, tmp_path):
    found, meta = sections_and_meta(tmp_path, text)
    assert [label for label, _ in found] == sections
    assert ("title" in meta) == (sections[0] == "headline")
    assert "".join(t for _, t in found).replace("\n", "") == text.replace("\n", "")  # every word in a section


BYLINES = {  # headline, byline, dateline (a blank line between them or not), and the authors they name
    "en": ("Storm hits coast", "By Maria Jensen", "March 4, 2025", ["Maria Jensen"]),
    "en, two": ("Storm hits coast", "By Maria Jensen and Li Wei", "Tuesday, March 4, 2025", ["Maria Jensen", "Li Wei"]),
    "en, agency": ("Storm hits coast", "Maria Jensen, Reuters", "4 March 2025", ["Maria Jensen"]),
    "de": ("Sturm trifft Küste", "Von Maria Jensen", "4. März 2025", ["Maria Jensen"]),
    "fr": ("La tempête", "Par Marie Dupont", "4 mars 2025", ["Marie Dupont"]),
    "es": ("La tormenta", "Por María López", "4 de marzo de 2025", ["María López"]),
    "zh": ("风暴袭击海岸", "记者 王伟", "2025年3月4日", ["王伟"]),
}


@pytest.mark.parametrize("blank", ["\n", "\n\n"])
@pytest.mark.parametrize("case", sorted(BYLINES))
def test_bylines_and_datelines_in_the_common_layouts(case, blank, tmp_path):
    headline, byline, dateline, authors = BYLINES[case]
    found, meta = sections_and_meta(tmp_path, f"{headline}{blank}{byline}\n{dateline}{blank}The body, at last.\n")
    assert found == [
        ("headline", headline),
        ("byline", byline),
        ("dateline", dateline),
        ("paragraph", "The body, at last."),
    ]
    assert meta["authors"] == authors and meta["date"] == "2025-03-04" and meta["title"] == headline


def test_a_sentence_opening_like_a_byline_stays_in_its_paragraph(tmp_path):
    text = "Storm hits coast\nBy 2025, the plan will be done.\nPar ailleurs, le gouvernement se tait.\n"
    found, meta = sections_and_meta(tmp_path, text)
    assert [label for label, _ in found] == ["headline", "paragraph"] and "authors" not in meta


# what is no article -------------------------------------------------------------------------------


def test_a_link_out_of_the_working_tree_is_refused_and_one_inside_is_followed(tmp_path):
    root = new_root(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "passwd.txt").symlink_to("/etc/passwd")
    (work / "article.txt").write_text("Storm hits coast\n\nThe storm hit.\n", encoding="utf-8")
    (work / "link.txt").symlink_to(work / "article.txt")
    res = cli_fails("add", "--root", root, work / "passwd.txt", "--language", "en", cwd=work)
    assert (
        "passwd.txt: is a symbolic link to /etc/passwd, outside the working directory and the corpus root" in res.stderr
    )
    assert snapshot(root) == {}
    cli_ok("add", "--root", root, work / "link.txt", "--language", "en", cwd=work)
    assert (root / "corpus/link.txt").read_text() == "Storm hits coast\n\nThe storm hit.\n"
    (root / "corpus/link.txt").unlink()  # from elsewhere, the same link leads outside what the user works in
    assert "is a symbolic link to" in cli_fails("add", "--root", root, work / "link.txt", "--force").stderr


@pytest.mark.parametrize(
    "data,says",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not a text file: it is a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "not a text file: it is a zip archive"),
        (bytes(range(1, 9)) * 64, "not a text file: it is binary data"),
        ("Storm hits coast".encode("utf-16-le"), "NUL characters (binary data, or UTF-16 without a byte order mark)"),
    ],
)
def test_a_file_that_is_no_text_is_refused_saying_what_it_is(data, says, tmp_path):
    root = new_root(tmp_path)
    (tmp_path / "article.txt").write_bytes(data)
    assert says in cli_fails("add", "--root", root, tmp_path / "article.txt").stderr
    assert snapshot(root) == {}


def test_a_folder_s_files_that_are_not_txt_are_named_and_not_added(tmp_path):
    root = new_root(tmp_path)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nGood body.\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    res = cli_ok("add", "--root", root, folder, "--language", "en")
    assert "batch: not added: 1 file(s) that are not .txt (scan.pdf)" in res.stderr
    assert sorted(snapshot(root)) == ["annotations/good.json", "corpus/good.meta.json", "corpus/good.txt"]


def test_a_utf16_article_in_any_script_is_text(tmp_path):
    root = new_root(tmp_path)
    (tmp_path / "ru.txt").write_bytes("Шторм у побережья\n\nШторм пришёл.\n".encode("utf-16"))  # bytes 0x04 galore
    cli_ok("add", "--root", root, tmp_path / "ru.txt", "--language", "ru")
    assert (root / "corpus/ru.txt").read_text(encoding="utf-8") == "Шторм у побережья\n\nШторм пришёл.\n"
