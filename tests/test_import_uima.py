"""UIMA CAS JSON (read with dkpro-cassis): the reader (the entity type and feature, metadata, what else the
CAS holds) and `newsspan import uima` end to end."""

import json

import pytest

from newsspan.formats import uima
from tool_cases import (
    CASES,
    FORMATS,
    check,
    entities,
    files_of,
    help_of,
    ids,
    imports_a_corpus,
    new_root,
    newsspan,
    written,
)

from conftest import samples

POS = "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS"


@pytest.mark.parametrize("case", ids("uima"))
def test_reader(case, tmp_path):
    check(CASES["uima", case], tmp_path)


def test_a_folder_of_cas_files_with_metadata_links_and_values_missing():
    parsed = uima.load(FORMATS / "uima")
    merz, scholz = parsed.docs
    assert [(s.label, s.start, s.end, scholz.text[s.start : s.end], s.kb_id) for s in scholz.spans] == [
        ("PER", 2, 13, "Olaf Scholz", "Q61053"),  # the 👍 before it is 2 UTF-16 units, 1 code point
        ("PER", 18, 30, "Anne Hidalgo", None),
        ("PER", 32, 50, "the mayor of Paris", None),
        ("LOC", 45, 50, "Paris", None),
        ("*", 59, 72, "Élysée Palace", None),  # no value
    ]
    assert scholz.spans[3].where == "scholz-paris.json: annotation 9 (NamedEntity 'LOC')"
    # documentTitle is only the file name (INCEpTION's default) in one, a file: URI no web address in the other
    assert scholz.meta == {"url": "https://example.org/2024/scholz-paris", "language": "en"}
    assert merz.meta == {"title": "Merz speaks in Berlin", "language": "en"}
    assert [s.kb_id for s in merz.spans] == [None, "Q64", None, None, None]
    assert parsed.ignored == {f"type {POS}": 3} and parsed.errors == parsed.warnings == []


def test_the_type_without_the_feature_another_view_and_an_empty_annotation(tmp_path):
    cas = json.loads((FORMATS / "uima/merz-berlin.json").read_text(encoding="utf-8"))
    parsed = uima.load(FORMATS / "uima/merz-berlin.json", entity_feature="type")
    assert (
        parsed.errors[0]
        .headline()
        .startswith(
            "merz-berlin.json: the type de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity has no feature 'type' (its features: "
        )
    )
    parsed = uima.load(FORMATS / "uima/merz-berlin.json", entity_layer="webanno.custom.Nope")
    assert parsed.docs[0].spans == [] and parsed.notes == [
        "merz-berlin.json: holds no type webanno.custom.Nope; no mentions from it"
    ]
    parsed = uima.load(FORMATS / "uima/scholz-paris.json", entity_layer=POS, entity_feature="PosValue")
    assert len(parsed.docs[0].spans) == 3 and f"type {POS}" not in parsed.ignored
    ne = next(fs for fs in cas["%FEATURE_STRUCTURES"] if fs.get("value") == "ORG")
    ne["end"] = ne["begin"]
    parsed = uima.load(written("empty.json", json.dumps(cas))(tmp_path))
    assert [w.headline() for w in parsed.warnings] == [
        f"empty.json: annotation {ne['%ID']} (NamedEntity 'ORG'): an empty or reversed annotation [51, 51) is not imported"
    ]


def test_id_names_the_one_new_document_of_an_import(tmp_path):
    root = new_root(tmp_path)
    args = ("--root", root, "--label-map", "PER=PERSON,LOC=GPE,ORG=ORG,*=FAC", "--nested", "outer")
    code, _, err = newsspan("import", "uima", FORMATS / "uima", "--id", "one", *args)
    assert code == 1 and "--id names one new document" in err and files_of(root) == {}
    code, _, err = newsspan("import", "uima", FORMATS / "uima/merz-berlin.json", "--id", "merz", *args)
    assert code == 0, err
    assert sorted(p.name for p in (root / "corpus").iterdir()) == ["merz.meta.json", "merz.txt"]
    assert entities(root, "merz")[1] == ("GPE", 15, 21, "Berlin")


def linked_cas() -> str:
    """A CAS as INCEpTION holds entity linking in a layer of its own: an EntityLink on each mention's offsets."""
    from cassis import Cas, TypeSystem

    ts = TypeSystem()
    ne = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity", supertypeName="uima.tcas.Annotation")
    ts.create_feature(ne, "value", "uima.cas.String")
    link = ts.create_type("webanno.custom.EntityLink", supertypeName="uima.tcas.Annotation")
    ts.create_feature(link, "kbid", "uima.cas.String")
    cas = Cas(typesystem=ts)
    cas.sofa_string = text = "Le maire d’Amiens reçoit Emmanuel Macron."
    for label, quote, iri in (("LOC", "Amiens", "Q47045"), ("PER", "Emmanuel Macron", "Q3052772")):
        begin = text.index(quote)
        cas.add(ne(begin=begin, end=begin + len(quote), value=label))
        cas.add(link(begin=begin, end=begin + len(quote), kbid=f"http://www.wikidata.org/entity/{iri}"))
    return cas.to_json()


def test_wikidata_links_in_a_type_of_their_own_give_kb_id_when_asked(tmp_path):
    path = written("amiens.json", linked_cas())(tmp_path)
    parsed = uima.load(path)
    assert [s.kb_id for s in parsed.docs[0].spans] == [None, None]
    assert parsed.notes == [
        "amiens.json: Wikidata IRIs in webanno.custom.EntityLink:kbid (2); pass --kb-feature LAYER:FEATURE "
        "to take their Wikidata ids as the mentions' kb_id"
    ]
    parsed = uima.load(path, kb_feature="EntityLink:kbid")
    text = parsed.docs[0].text
    assert [(s.label, text[s.start : s.end], s.kb_id) for s in parsed.docs[0].spans] == [
        ("LOC", "Amiens", "Q47045"),
        ("PER", "Emmanuel Macron", "Q3052772"),
    ]
    assert parsed.notes == parsed.warnings == [] and parsed.ignored == {}
    [error] = uima.load(path, kb_feature="EntityLink:identifier").errors
    assert error.headline().startswith("amiens.json: --kb-feature EntityLink:identifier names no feature of a type")
    assert "webanno.custom.EntityLink:kbid" in error.headline()


def test_the_cas_sample_with_emoji():
    parsed = uima.load(samples("webanno/uima_cas_json_emoji.json"))
    assert parsed.docs[0].spans == [] and parsed.ignored == {"type uima.tcas.Annotation": 9}
    parsed = uima.load(
        samples("webanno/uima_cas_json_emoji.json"), entity_layer="uima.tcas.Annotation", entity_feature=""
    )
    [doc] = parsed.docs
    # the nine annotations are the nine words of the text; the last, 👻, is UTF-16 36-38 = code points 31-32
    assert [doc.text[s.start : s.end] for s in doc.spans] == doc.text.split() and len(doc.spans) == 9
    assert (doc.spans[-1].label, doc.spans[-1].start, doc.spans[-1].end) == ("*", 31, 32)
    assert "language" not in doc.meta  # x-unspecified


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("uima")
    assert all(option in out for option in ["--entity-layer", "--entity-feature"]) and not any(
        option in out for option in ["--offsets", "--ner-key"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count


def test_a_corpus_of_22_documents_imports_validates_and_builds(tmp_path):
    imports_a_corpus("uima", tmp_path)
