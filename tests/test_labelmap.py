"""Label maps: a tool label spelled like an entity label but meaning something else needs an explicit map,
and the suggested map knows the label vocabularies of tools and research corpora (labels.json)."""

import json
from collections import Counter
from importlib import resources

import pytest

from newsspan import schema
from newsspan.formats import labelmap
from tool_cases import entities, jsonl, new_root, newsspan, valid


def error_of(labels, *spec):
    return labelmap.resolve(Counter(labels), labelmap.parse(list(spec)))


def test_a_conll_vocabulary_needs_an_explicit_map_for_loc_and_misc():
    # CoNLL's LOC holds countries and cities (OntoNotes GPE) too; MISC is no OntoNotes type; ORG means ORG
    mapped, error = error_of({"PER": 2, "LOC": 3, "ORG": 1, "MISC": 1})
    assert mapped == {"ORG": labelmap.Target("entities", "ORG")}
    assert error.startswith("3 tool labels with no target: 'LOC' (3 spans), 'MISC' (1 span), 'PER' (2 spans). ")
    assert "LOC is spelled like an entity label but means something else in CoNLL 2003 / WikiNER" in error
    assert "--label-map 'LOC=review,MISC=review,PER=PERSON', each `review` replaced by its target (LOC covers" in error
    mapped, error = error_of({"PER": 2, "LOC": 3, "ORG": 1, "MISC": 1}, "PER=PERSON,LOC=GPE,MISC=ignore")
    assert error is None and mapped["LOC"] == labelmap.Target("entities", "GPE")


@pytest.mark.parametrize(
    "labels",
    [
        ("PERSON", "LOC", "GPE", "ORG"),  # OntoNotes: its LOC is the schema's
        ("LOC", "ORG"),  # nothing says the labels are CoNLL's
        ("PER", "LOC", "GPE"),  # a GPE beside LOC: LOC is what is left of places, as in OntoNotes
        ("GPE_LOC", "LOC"),  # NorNE's LOC leaves out GPEs as OntoNotes' does
    ],
)
def test_a_loc_beside_other_vocabularies_is_the_schemas(labels):
    mapped, _ = error_of(dict.fromkeys(labels, 1))
    assert mapped["LOC"] == labelmap.Target("entities", "LOC")


@pytest.mark.parametrize(
    "labels, suggestion",
    [
        (["GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV"], "DRV=review,EVT=EVENT,GPE_LOC=GPE,GPE_ORG=GPE,PROD=PRODUCT"),
        (["PER", "LOC", "OTH", "LOCderiv", "ORGpart"], "LOC=review,LOCderiv=NORP,ORGpart=review,OTH=review,PER=PERSON"),
        (["CITY", "COUNTRY", "NATIONALITY", "PROFESSION"], "CITY=GPE,COUNTRY=GPE,NATIONALITY=NORP,PROFESSION=review"),
        (["pers", "loc", "org", "prod", "time"], "loc=review,org=ORG,pers=PERSON,prod=review,time=DATE"),
        (["loc.adm.town", "loc.phys.hydro", "pers.coll"], "loc.adm.town=GPE,loc.phys.hydro=LOC,pers.coll=review"),
        (["INSTITUTION", "PERIOD", "Miscellaneous"], "INSTITUTION=ORG,Miscellaneous=review,PERIOD=DATE"),
        (["Organization", "Action"], "Action=ignore,Organization=ORG"),  # no vocabulary knows "Action"
    ],
)
def test_suggestions_map_obvious_matches_and_say_review_where_meanings_differ(labels, suggestion):
    _, error = error_of(dict.fromkeys(labels, 1))
    assert f"--label-map '{suggestion}'" in error
    assert ("each `review` replaced by its target" in error) == ("review" in suggestion)


def test_review_is_no_target_the_user_must_choose_one():
    with pytest.raises(labelmap.LabelMapError, match="'review' marks a label the suggested map could not decide"):
        labelmap.parse(["LOC=review"])


def test_every_target_of_the_vocabularies_is_an_entity_label():
    data = json.loads((resources.files("newsspan.formats") / "labels.json").read_text(encoding="utf-8"))
    targets = {t for fam in data["families"] for t in fam["labels"].values()} | set(data["aliases"].values())
    assert targets <= set(schema.entity_labels()) | {labelmap.REVIEW}
    for fam in data["families"]:
        assert not set(fam["labels"]) & set(fam["review"]), fam["name"]


def test_import_of_a_conll_vocabulary_refuses_until_loc_is_mapped(tmp_path):
    text = "Ada Roth flew from Oslo to Rome."
    export = tmp_path / "ner.jsonl"
    export.write_text(jsonl({"text": text, "label": [[0, 8, "PER"], [19, 23, "LOC"], [27, 31, "LOC"]]}))
    root = new_root(tmp_path)
    code, _, err = newsspan("import", "doccano", export, "--root", root, "--language", "en")
    assert code == 1 and "'LOC' (2 spans), 'PER' (1 span)" in err and "--label-map 'LOC=review,PER=PERSON'" in err
    code, _, err = newsspan(
        "import", "doccano", export, "--root", root, "--language", "en", "--label-map", "PER=PERSON,LOC=GPE"
    )
    assert code == 0, err
    assert entities(root, "ner-1") == [("PERSON", 0, 8, "Ada Roth"), ("GPE", 19, 23, "Oslo"), ("GPE", 27, 31, "Rome")]
    assert valid(root)
