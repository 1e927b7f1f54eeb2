"""The JSON Schemas in ``schema/``, the label sets and id rules read from them (and nowhere else), and
did-you-mean suggestions, which are only ever printed: nothing is changed without the user's word."""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

SCHEMA_VERSION = "1.1.0"

_PACKAGED = Path(__file__).parent / "_schema"
_SOURCE = Path(__file__).parent.parent / "schema"


def schema_dir() -> Path:
    """Folder of the schema files: packaged in a wheel, else the source checkout's ``schema/``."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE


@functools.cache
def load(name: str) -> dict:
    """A schema by short name: ``annotation`` or ``document``."""
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def _is_integer(checker, instance) -> bool:
    # jsonschema counts 12.0 as an integer; an offset must be a real int (slicing with a
    # float crashes, and a bool is an int subclass in Python).
    return isinstance(instance, int) and not isinstance(instance, bool)


@functools.cache
def validator(name: str):
    """A compiled Draft 2020-12 validator for a schema, with a strict integer type (once per process)."""
    # Imported on first use: a run whose files all pass jsonschema-rs (files.passes) never needs jsonschema
    import jsonschema
    from jsonschema import Draft202012Validator

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    strict = jsonschema.validators.extend(Draft202012Validator, type_checker=checker)
    schema = load(name)
    strict.check_schema(schema)
    return strict(schema)


def _enum(name: str, *path: str) -> tuple[str, ...]:
    node = load(name)
    for key in path:
        node = node[key]
    return tuple(node["enum"])


# the label sets and other enums of the schemas
section_labels = functools.partial(_enum, "annotation", "$defs", "sectionLabel")
body_section_labels = functools.partial(_enum, "annotation", "$defs", "bodySectionLabel")  # the article's own prose
entity_labels = functools.partial(_enum, "annotation", "$defs", "entityLabel")
attribution_types = functools.partial(_enum, "annotation", "$defs", "attributionType")
released_statuses = functools.partial(_enum, "annotation", "$defs", "releasedStatus")  # the layers a release carries
statuses = functools.partial(_enum, "annotation", "properties", "status")
splits = functools.partial(_enum, "document", "properties", "split")


def layers() -> tuple[str, ...]:
    """The span layers of an annotation file in the schema's order (its properties that are lists of spans)."""
    props = load("annotation")["properties"]
    return tuple(name for name, p in props.items() if p.get("type") == "array" and "$ref" in p.get("items", {}))


def expression_labels() -> tuple[str, ...]:
    """The entity labels of temporal and numerical expressions (``x-expressions`` on ``$defs/entityLabel``)."""
    return tuple(load("annotation")["$defs"]["entityLabel"]["x-expressions"]["labels"])


def entity_colors() -> dict[str, str]:
    """The highlight colour of each entity label (``x-colors`` on ``$defs/entityLabel``), in the labels' order."""
    colors = load("annotation")["$defs"]["entityLabel"]["x-colors"]
    return {label: colors[label] for label in entity_labels()}


def meta_fields() -> tuple[str, ...]:
    """The metadata fields a release shows of a document, in the schema's order (not schema_version, id, split)."""
    return tuple(n for n in load("document")["properties"] if n not in ("schema_version", "id", "split"))


def redistributable(license_id: str) -> bool:
    """Whether a text under this license may travel in a release (``x-redistributable`` on the document schema's
    ``license``); under any other, unknown included, it is published as standoff only."""
    patterns = load("document")["properties"]["license"]["x-redistributable"]["patterns"]
    return any(re.fullmatch(p, license_id) for p in patterns)


def ner_tags() -> tuple[str, ...]:
    """IOB2 tag names for the entity layer: O, then B-/I- per entity label."""
    return ("O",) + tuple(f"{p}-{label}" for label in entity_labels() for p in ("B", "I"))


CLAIM_TAGS = ("O", "B-CLAIM", "I-CLAIM")


# ids -------------------------------------------------------------------------------------------

DOCUMENT_ID_RULE = (
    "1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit (no '/', '.', spaces or capitals)"
)
SPAN_ID_RULE = "a letter, then up to 63 of A-Z, a-z, 0-9, '_', '.' and '-' (no '/' or spaces)"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def safe_id(name: str) -> str:
    """A valid document id from a file stem or a user name (empty when name has no letter or digit)."""
    s = re.sub(r"[^a-z0-9_-]+", "-", _ascii(name).lower()).strip("-_")
    return re.sub(r"-{2,}", "-", s)[:64].rstrip("-_")


def safe_span_id(name: str, prefix: str = "x") -> str:
    """A valid span id from an invalid one; one that does not start with a letter gets ``prefix`` (s, e or c)."""
    s = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.-]+", "-", _ascii(str(name))).strip("-_."))
    if not s[:1].isalpha():
        s = prefix + s
    return s[:64].rstrip("-_.")


def invalid_id(value: str, what: str = "document id") -> str:
    """Why value is no valid document id (or annotator name), and the valid one to use instead."""
    suggestion = safe_id(value)
    return f"{value!r} is not a valid {what}: ids are {DOCUMENT_ID_RULE}" + (
        f"; use e.g. {suggestion!r}" if suggestion else ""
    )


# did you mean ----------------------------------------------------------------------------------

# What other tools and datasets call the schema's entity labels (CoNLL-2003, WikiNER, spaCy's small models,
# everyday words), keyed in upper case with '_' for spaces and hyphens (a test holds the labels to the schema).
ALIASES = {
    alias: label
    for label, aliases in {
        "PERSON": "PER PERS PEOPLE HUMAN",
        "ORG": "ORGANIZATION ORGANISATION COMPANY BRAND",
        "LOC": "LOCATION PLACE",
        "GPE": "COUNTRY CITY STATE",
        "NORP": "NATIONALITY",
        "FAC": "FACILITY",
        "WORK_OF_ART": "WORK",
        "CARDINAL": "NUMBER NUM",
        "PERCENT": "PERCENTAGE",
    }.items()
    for alias in aliases.split()
}


def _key(label: str) -> str:
    return "_".join(label.strip().upper().replace("-", " ").split())


def closest(value: str, choices: Iterable[str], spelling: bool = True) -> str | None:
    """The choice a mistyped or foreign label most likely means, or None: the same label in another case
    (``Person``), a common alias (``ORGANIZATION``), then unless ``spelling=False`` the nearest spelling."""
    choices = list(choices)
    by_key = {_key(c): c for c in choices}
    key = _key(value)
    if key in by_key:
        return by_key[key]
    alias = ALIASES.get(key)
    if alias in choices:
        return alias
    if not spelling:
        return None
    near = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return by_key[near[0]] if near else None
