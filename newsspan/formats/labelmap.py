"""Label maps: which layer and label each tool label goes to (``--label-map``, see docs/formats.md). An entity label
maps to itself and newsspan's export labels to their layer, unless the export's vocabulary (``labels.json``) gives it
another meaning (CoNLL's ``LOC``); the map suggested for unmapped labels says ``review`` where the meanings differ."""

from __future__ import annotations

import functools
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .. import files, schema
from ..report import Problem

IGNORE = "ignore"
REVIEW = "review"  # what a suggested map says for a label whose meaning differs from every entity label's
CLAIM_LABEL = "claim"  # how the brat export names claim spans
SECTION_PREFIX = "section_"  # how the brat export names section spans
TARGETS = "an entity label (PERSON, ORG, ...), sections:<label>, claims or ignore"
JSON_MAP = 'a JSON object {"TOOL_LABEL": "TARGET"}'


class LabelMapError(ValueError):
    """A label map with problems: all of them, one line each."""


class Target(NamedTuple):
    layer: str  # sections | entities | claims | ignore
    label: str | None = None  # None for claims and ignore


def parse_target(value: str) -> Target:
    v = value.strip()
    if v in (IGNORE, "claims"):
        return Target(v)
    if v == REVIEW:
        raise LabelMapError(f"'{REVIEW}' marks a label the suggested map could not decide: choose its target")
    if v.startswith("sections:"):
        label, labels = v.split(":", 1)[1], schema.section_labels()
        if label not in labels:
            close = schema.closest(label, labels)
            mean = f"; did you mean 'sections:{close}'?" if close else ""
            raise LabelMapError(f"unknown section label {label!r}{mean} (section labels: {', '.join(labels)})")
        return Target("sections", label)
    if v in schema.entity_labels():
        return Target("entities", v)
    close = schema.closest(v, schema.entity_labels())
    raise LabelMapError(f"unknown target {v!r}" + (f"; did you mean {close!r}?" if close else ""))


def _pairs(value: str, problems: list[str]) -> list[tuple[str, str]]:
    """The (tool label, target) pairs of one --label-map value: a JSON file's, or a SPEC's."""
    if not Path(value).is_file():
        pairs = [item.rsplit("=", 1) for item in value.split(",") if "=" in item]
        wrong = [item for item in value.split(",") if item.strip() and "=" not in item]
        problems += [f"--label-map {x!r}: expected TOOL_LABEL=TARGET (or a JSON file that exists)" for x in wrong]
        return [(k.strip(), v) for k, v in pairs]
    try:
        raw = Path(value).read_bytes()
    except OSError as e:
        problems.append(f"label map file {value}: cannot read it: {e.strerror or e}")
        return []
    issues: list[Problem] = []  # read as strictly as every JSON export: a duplicate key is an error
    data = files.export_json(raw, f"label map file {value}", issues, what=f"a label map is {JSON_MAP}")
    if not issues and isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return list(data.items())
    problems += map(str, issues) if issues else [f"label map file {value}: expected {JSON_MAP}"]
    return []


def parse(values: list[str] | None) -> dict[str, Target]:
    """The user's map from repeated --label-map values; all its problems raised as one LabelMapError."""
    out: dict[str, Target] = {}
    problems: list[str] = []
    for value in values or []:
        for k, v in _pairs(value, problems):
            if not k:
                problems.append("--label-map: an empty tool label")
                continue
            try:
                out[k] = parse_target(v)
            except LabelMapError as e:
                problems.append(f"--label-map {k}={v.strip()}: {e}")
    if len(problems) == 1:
        raise LabelMapError(f"{problems[0]} (targets are {TARGETS})")
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise LabelMapError(f"{len(problems)} problems in the label map:{listed}\n  (targets are {TARGETS})")
    return out


def default_target(label: str) -> Target | None:
    section = label[len(SECTION_PREFIX) :] if label.startswith(SECTION_PREFIX) else None
    if label in schema.entity_labels():
        return Target("entities", label)
    if label == CLAIM_LABEL:
        return Target("claims")
    return Target("sections", section) if section in schema.section_labels() else None


@functools.cache
def _vocabularies() -> dict:
    return json.loads((resources.files(__package__) / "labels.json").read_text(encoding="utf-8"))


def vocabulary(labels) -> dict | None:
    """The family of labels.json the tool's labels come from: the one holding most of them, among the
    families that hold one of them which is no entity label (CoNLL's PER); OntoNotes wins a tie."""
    entity, best, most = set(schema.entity_labels()), None, 0
    for family in _vocabularies()["families"]:
        known = {lab for lab in labels if lab in family["labels"] or lab in family["review"]}
        if len(known) > most and (known - entity or not family["review"]):
            best, most = family, len(known)
    return best


def suggest(label: str, family: dict | None) -> tuple[str, str | None]:
    """The target a suggested map gives a tool label, and why it says review: its family's entry, another
    family's, a common alias, else ignore (a label of no known vocabulary: a brat "Action" is no LOCATION)."""
    data = _vocabularies()
    for fam in [family] * bool(family) + data["families"]:
        if label in fam["review"]:
            return REVIEW, f"{label} {fam['review'][label]}" + f" in {fam['name']}" * (fam is not family)
        if label in fam["labels"]:
            return fam["labels"][label], None
    alias = data["aliases"].get(label.upper())
    if alias == REVIEW:
        return REVIEW, f"{label} names no one entity type"
    return alias or schema.closest(label, schema.entity_labels(), spelling=False) or IGNORE, None


def resolve(labels: Counter, user: dict[str, Target]) -> tuple[dict[str, Target], str | None]:
    """The map for the labels found (with their counts), and one error listing all unmapped labels: those
    with no target, and those spelled like an entity label that their vocabulary gives another meaning."""
    family = vocabulary(labels)
    entity = schema.entity_labels()
    false = {lab for lab in labels if family and lab in family["review"] and lab in entity and lab not in user}
    mapped = {lab: t for lab in labels if lab not in false and (t := user.get(lab) or default_target(lab))}
    missing = sorted(label for label in labels if label not in mapped)
    if not missing:
        return mapped, None
    listing = ", ".join(f"{lab!r} ({labels[lab]} span{'s' * (labels[lab] != 1)})" for lab in missing)
    suggested = {lab: suggest(lab, family) for lab in missing}
    suggestion = ",".join(f"{lab}={target}" for lab, (target, _) in suggested.items())
    reviews = "; ".join(why for _, why in suggested.values() if why)
    one = len(false) == 1
    told = (
        f"{', '.join(sorted(false))} {'is' if one else 'are'} spelled like an entity label but mean{'s' * one} "
        f"something else in {family['name']}: map {'it' if one else 'them'} explicitly. "
        if false and family
        else ""
    )
    return mapped, (
        f"{len(missing)} tool label{'s' * (len(missing) != 1)} with no target: {listing}. "
        + told
        + f"Map them, e.g. --label-map '{suggestion}'"
        + (f", each `{REVIEW}` replaced by its target ({reviews})" if reviews else "")
        + " (targets: an entity label such as PERSON, sections:<label>, claims, or ignore)"
    )
