"""Label maps: which layer and label each tool label goes to.

SPEC is ``TOOL_LABEL=TARGET[,TOOL_LABEL=TARGET...]`` or a JSON file ``{"TOOL_LABEL": "TARGET"}``.
TARGET is an entity label (``PERSON``), ``sections:<label>``, ``claims`` or ``ignore``. A tool
label equal to an entity label of the schema maps to itself, and newsspan's own export
labels (``section_<label>``, ``claim``) map back to their layer, unless mapped otherwise.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

from .. import files, schema
from ..report import Problem

IGNORE = "ignore"
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
    """The user's map from repeated --label-map values (each a SPEC or a JSON file).

    Every problem of the map is found first and raised as one LabelMapError, one line each.
    """
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


def resolve(labels: Counter, user: dict[str, Target]) -> tuple[dict[str, Target], str | None]:
    """The map for the labels found (with their counts), and one error listing all unmapped labels."""
    found = {label: user.get(label) or default_target(label) for label in labels}
    mapped = {label: t for label, t in found.items() if t is not None}
    missing = sorted(label for label in labels if label not in mapped)
    if not missing:
        return mapped, None
    listing = ", ".join(f"{lab!r} ({labels[lab]} span{'s' * (labels[lab] != 1)})" for lab in missing)
    # the target proposed: the entity label the tool label most likely means (another case, a common
    # alias), else ignore; no guess by spelling: a tool's "Action" is no LOCATION
    suggestion = ",".join(
        f"{lab}={schema.closest(lab, schema.entity_labels(), spelling=False) or IGNORE}" for lab in missing
    )
    return mapped, (
        f"{len(missing)} tool label{'s' * (len(missing) != 1)} with no target: {listing}. "
        f"Map them, e.g. --label-map '{suggestion}' (targets: an entity label such as PERSON, "
        "sections:<label>, claims, or ignore)"
    )
