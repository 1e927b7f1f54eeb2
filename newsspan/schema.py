"""The JSON Schemas in ``schema/`` and the label sets read from them.

Label lists live in the schemas' ``$defs`` enums and nowhere else: the builder, the
converters, the docs and the checks all read them from here.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from .text import decode

SCHEMA_VERSION = "1.1.0"

_PACKAGED = Path(__file__).parent / "_schema"
_SOURCE = Path(__file__).parent.parent / "schema"


def schema_dir() -> Path:
    """Folder of the schema files: packaged in a wheel, else the source checkout's ``schema/``."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE


@functools.cache
def load(name: str) -> dict:
    """A schema by short name: ``annotation`` or ``document``."""
    return json.loads(decode((schema_dir() / f"{name}.schema.json").read_bytes()))


def _is_integer(checker, instance) -> bool:
    # jsonschema counts 12.0 as an integer; an offset must be a real int (slicing with a
    # float crashes, and a bool is an int subclass in Python).
    return isinstance(instance, int) and not isinstance(instance, bool)


@functools.cache
def _strict_validator():
    # Imported on first use: a run whose files all pass jsonschema-rs (see schema_errors)
    # never needs jsonschema, and importing it is a good part of a cached re-validation.
    import jsonschema
    from jsonschema import Draft202012Validator

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    return jsonschema.validators.extend(Draft202012Validator, type_checker=checker)


def __getattr__(name: str):
    if name == "StrictValidator":  # the Draft 2020-12 validator with a strict integer type
        return _strict_validator()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def validator(name: str):
    """A compiled validator for a schema (compiled once per process)."""
    schema = load(name)
    strict = _strict_validator()
    strict.check_schema(schema)
    return strict(schema)


def _enum(name: str) -> tuple[str, ...]:
    return tuple(load("annotation")["$defs"][name]["enum"])


def layers() -> tuple[str, ...]:
    """The span layers of an annotation file in the schema's order: its properties that are lists of spans."""
    props = load("annotation")["properties"]
    return tuple(name for name, p in props.items() if p.get("type") == "array" and "$ref" in p.get("items", {}))


def section_labels() -> tuple[str, ...]:
    return _enum("sectionLabel")


def body_section_labels() -> tuple[str, ...]:
    """The section labels that hold the article's own prose (``$defs/bodySectionLabel``)."""
    return _enum("bodySectionLabel")


def entity_labels() -> tuple[str, ...]:
    return _enum("entityLabel")


def entity_colors() -> dict[str, str]:
    """The highlight colour of each entity label (``x-colors`` on ``$defs/entityLabel``, a view
    annotation the validators ignore), in the order of the labels."""
    colors = load("annotation")["$defs"]["entityLabel"]["x-colors"]
    return {label: colors[label] for label in entity_labels()}


def attribution_types() -> tuple[str, ...]:
    return _enum("attributionType")


def statuses() -> tuple[str, ...]:
    return tuple(load("annotation")["properties"]["status"]["enum"])


def released_statuses() -> tuple[str, ...]:
    """The statuses of a layer that a release carries (``$defs/releasedStatus``)."""
    return _enum("releasedStatus")


def splits() -> tuple[str, ...]:
    return tuple(load("document")["properties"]["split"]["enum"])


def ner_tags() -> tuple[str, ...]:
    """IOB2 tag names for the entity layer: O, then B-/I- per entity label."""
    return ("O",) + tuple(f"{p}-{label}" for label in entity_labels() for p in ("B", "I"))


CLAIM_TAGS = ("O", "B-CLAIM", "I-CLAIM")
