"""CoNLL-U with CorefUD entities or BIO tags (read with the `conllu` package): the reader (documents, the
text from `# text`, multi-word tokens, empty nodes) and `newsspan import conllu` end to end."""

import pytest

from newsspan.formats import FormatError, conllu
from newsspan.model import Document, Entity
from tool_cases import (
    CASES,
    FORMATS,
    check,
    entities,
    files_of,
    help_of,
    ids,
    imports_a_corpus,
    mentions,
    new_root,
    newsspan,
    round_trip,
    shipped_root,
    valid,
    written,
)

from conftest import REPO

COREF = FORMATS / "conllu/corefud.conllu"
COREF_MAP = "person=PERSON,place=GPE,organization=ORG,abstract=ignore"
ROW = "{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}\n"


@pytest.mark.parametrize("case", ids("conllu"))
def test_reader(case, tmp_path):
    check(CASES["conllu", case], tmp_path)


def test_corefud_documents_text_metadata_and_mentions():
    parsed = conllu.load(COREF)
    berlin, madrid = parsed.docs
    # `# text` lines joined by a line break, a blank line before `# newpar`; `it's` (it + 's) and "fine" (SpaceAfter=No)
    assert (berlin.name, berlin.text) == (
        "News_Berlin",
        'Merkel meets Macron in Berlin\n\nThe chancellor of Germany, Angela Merkel, said it\'s "fine".\n',
    )
    assert [(s.label, berlin.text[s.start : s.end], s.cluster) for s in berlin.spans] == [
        ("person", "Merkel", "e1"),
        ("person", "Macron", "e2"),
        ("place", "Berlin", "e3"),
        ("place", "Germany", "e4"),
        ("person", "Angela Merkel", "e1"),
        ("person", "The chancellor of Germany, Angela Merkel", "e1"),
        ("abstract", "it", "e5"),
    ]  # in the order they close
    assert berlin.meta == {
        "title": "Merkel meets Macron in Berlin",
        "url": "https://example.org/news/berlin",
        "date": "2019-05-21",
    }
    # a sentence without `# text` is built from its forms and SpaceAfter=No; "del" = de + el: "el" starts inside it
    assert madrid.text == "El presidente del Gobierno habló en Madrid.\n\nHubo protestas.\n"
    assert [(s.label, s.start, s.end) for s in madrid.spans] == [
        ("organization", 15, 26),
        ("person", 0, 26),
        ("place", 36, 42),
    ]
    assert [w.headline() for w in parsed.warnings] == [
        "corefud.conllu:28 (e6 person): a mention of empty nodes only has no text; it is not imported",
        "corefud.conllu:54: discontinuous mention of e4 (2 parts) is not imported: newsspan mentions are contiguous",
    ]
    assert parsed.ignored == {"document metadata meta::author": 1} and parsed.errors == []


@pytest.mark.parametrize(
    "misc,told",
    [
        (["Entity=(e1-person)", "Entity=e2)"], "d.conllu:2: `e2)` closes a mention of e2 that no bracket opened"),
        (["Entity=(e1-person", "_"], "d.conllu:1: the mention of e1 opened here is never closed"),
        (["Entity=e1(", "_"], "d.conllu:1: malformed Entity='e1('"),
        (["NER=B-PER", "NER=X"], "d.conllu:2: NER='X' is not a BIO tag (B-TYPE, I-TYPE or O)"),
    ],
)
def test_brackets_and_tags_that_do_not_match_are_errors_at_their_line(misc, told, tmp_path):
    export = ROW.format(1, "Ann", misc[0]) + ROW.format(2, "Lee", misc[1])
    parsed = conllu.load(written("d.conllu", export)(tmp_path), ner_key="NER" if "NER" in misc[0] else None)
    assert [e.headline() for e in parsed.errors] == [told] and parsed.docs == []


def test_bio_tags_that_continue_nothing_start_a_mention_and_space_after_disagreeing_with_the_text(tmp_path):
    export = "# text = Ann Lee met Bob\n" + "".join(
        ROW.format(k, w, t)
        for k, (w, t) in enumerate(
            [("Ann", "NER=I-PER|SpaceAfter=No"), ("Lee", "NER=E-PER"), ("met", "NER=O"), ("Bob", "NER=S-PER")], 1
        )
    )
    parsed = conllu.load(written("d.conllu", export)(tmp_path), ner_key="NER")
    [doc] = parsed.docs
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Ann Lee", "Bob"]
    assert [w.headline() for w in parsed.warnings] == [
        "d.conllu:3: SpaceAfter=No disagrees with the sentence's `# text` before 1 token(s) (d.conllu:3); the text is kept",
        "d.conllu:2: NER=I-PER follows no PER mention: taken as its start",
    ]


@pytest.mark.parametrize(
    "align,expect", [("expand", ("ORG", 14, 26, "del Gobierno")), ("contract", ("ORG", 18, 26, "Gobierno"))]
)
def test_import_of_a_mention_edge_inside_a_multi_word_token_follows_align(align, expect, tmp_path):
    root = new_root(tmp_path)
    args = (
        "import",
        "conllu",
        COREF,
        "--root",
        root,
        "--label-map",
        COREF_MAP,
        "--nested",
        "inner",
        "--language",
        "en",
    )
    code, _, err = newsspan(*args)
    assert code == 1 and files_of(root) == {}
    assert (
        "corefud.conllu:45 (e2 organization): ORG 'el Gobierno' [15, 26): it starts inside the token 'del' [14, 17)"
        in err
    )
    code, _, err = newsspan(*args, "--align", align)
    assert (
        code == 0
        and expect in entities(root, "noticia-madrid")
        and f"moved onto token boundaries (--align {align})" in err
    )
    assert valid(root)


def test_import_tells_nested_mentions_at_their_lines(tmp_path):
    root = new_root(tmp_path)
    code, _, err = newsspan("import", "conllu", COREF, "--root", root, "--label-map", COREF_MAP)
    assert code == 1 and "3 nested mention pair(s)" in err and files_of(root) == {}
    assert (
        "corefud.conllu:19 (e1 person): PERSON 'The chancellor of Germany, Angela Merkel' [31, 71) contains corefud.conllu:22 (e4 place): GPE 'Germany' [49, 56)"
        in err
    )


def test_export_conllu_is_read_back_to_the_same_text_and_mentions(tmp_path):
    shipped, out = shipped_root(tmp_path), tmp_path / "export.conllu"
    code, _, err = newsspan("export", "conllu", "--root", shipped, "--out", out)
    assert code == 0, err
    written_ = out.read_text(encoding="utf-8")
    # the article starts with a space: UDPipe's SpacesBefore keeps it (a blank line is a # newpar)
    assert "\tNER=O|SpacesBefore=\\s" in written_ and "# newpar\n" in written_
    code, _, err = newsspan("import", "conllu", out, "--root", shipped_root(tmp_path / "first", texts_only=True))
    assert code == 1 and "found BIO tags under the MISC key 'NER'\n    fix: pass --ner-key NER" in err
    back = round_trip("conllu", tmp_path, out, "--ner-key", "NER")
    assert mentions(back, kb=False) == mentions(shipped, kb=False) and valid(back)
    [doc] = conllu.load(out, ner_key="NER").docs
    assert doc.text == (REPO / f"corpus/{doc.name}.txt").read_text(encoding="utf-8")  # the very text, not only alike


def test_the_writer_refuses_a_mention_across_a_line_break():
    doc = Document(
        "d1", "Washington,\nDC is far.\n", status="gold", entities=(Entity("e1", 0, 14, "Washington,\nDC", "GPE"),)
    )
    with pytest.raises(FormatError, match=r"d1: the entity 'Washington,\\nDC' holds a line break"):
        conllu.export([doc])


def test_spaces_before_and_after_a_sentence_as_udpipe_writes_them(tmp_path):
    text = (
        "# newdoc id = d\n# text = Hi there\n"
        + ROW.format(1, "Hi", "SpacesBefore=\\s\\n")
        + ROW.format(2, "there", "SpacesAfter=\\s\\n\\n\\t")
    )
    text += "\n# text = Bye\n" + ROW.format(1, "Bye", "SpacesAfter=\\p\\\\") + "\n"
    [doc] = conllu.load(written("u.conllu", text)(tmp_path)).docs
    assert doc.text == " \nHi there \n\n\tBye|\\"


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("conllu")
    assert all(option in out for option in ["--ner-key", "--nested", "--align"]) and not any(
        option in out for option in ["--offsets", "--entity-layer"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count


def test_a_corpus_of_22_documents_imports_validates_and_builds(tmp_path):
    imports_a_corpus("conllu", tmp_path)


def test_a_corpus_given_as_several_paths_in_one_command(tmp_path):
    import research_corpus

    research_corpus.write_conllu(research_corpus.documents(3), tmp_path / "a")
    root = new_root(tmp_path)
    code, out, err = newsspan(
        "import",
        "conllu",
        *sorted((tmp_path / "a").iterdir()),
        "--root",
        root,
        "--label-map",
        research_corpus.LABEL_MAPS["conllu"],
    )
    assert code == 0 and "imported 3 document(s) (3 new" in out, err
    assert valid(root)
