"""Label maps: which layer and label each tool label goes to.

SPEC is ``TOOL_LABEL=TARGET[,TOOL_LABEL=TARGET...]`` or a JSON file ``{"TOOL_LABEL": "TARGET"}``.
TARGET is an entity label (``PERSON``), ``sections:<label>``, ``claims`` or ``ignore``. A tool
label equal to an entity label of the schema maps to itself, and newsspan's own export
labels (``section_<label>``, ``claim``) map back to their layer, unless mapped otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import files, schema
from ..report import Problem

IGNORE = "ignore"
CLAIM_LABEL = "claim"  # how the brat export names claim spans
SECTION_PREFIX = "section_"  # how the brat export names section spans


class LabelMapError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    layer: str  # sections | entities | claims | ignore
    label: str | None  # None for claims and ignore

    def __str__(self) -> str:
        if self.layer == "entities" and self.label is not None:
            return self.label
        if self.layer == "sections":
            return f"sections:{self.label}"
        return self.layer


def parse_target(value: str) -> Target:
    v = value.strip()
    if v == IGNORE:
        return Target(IGNORE, None)
    if v == "claims":
        return Target("claims", None)
    if v.startswith("sections:"):
        label = v.split(":", 1)[1]
        if label not in schema.section_labels():
            close = schema.closest(label, schema.section_labels())
            raise LabelMapError(
                f"unknown section label {label!r}"
                + (f"; did you mean 'sections:{close}'?" if close else "")
                + f" (section labels: {', '.join(schema.section_labels())})"
            )
        return Target("sections", label)
    if v in schema.entity_labels():
        return Target("entities", v)
    close = schema.closest(v, schema.entity_labels())
    raise LabelMapError(f"unknown target {v!r}" + (f"; did you mean {close!r}?" if close else ""))


TARGETS = "an entity label (PERSON, ORG, ...), sections:<label>, claims or ignore"


def parse(values: list[str] | None) -> dict[str, Target]:
    """The user's map from repeated --label-map values (each a SPEC or a JSON file).

    Every problem of the map is found first and raised as one LabelMapError, one line each.
    """
    out: dict[str, Target] = {}
    problems: list[str] = []
    for value in values or []:
        if Path(value).is_file():
            try:
                raw = Path(value).read_bytes()
            except OSError as e:
                problems.append(f"label map file {value}: cannot read it: {e.strerror or e}")
                continue
            issues: list[Problem] = []  # read as strictly as every JSON export: a duplicate key is an error
            data = files.export_json(
                raw, f"label map file {value}", issues, what='a label map is a JSON object {"TOOL_LABEL": "TARGET"}'
            )
            if issues:
                problems += map(str, issues)
                continue
            if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in data.items()
            ):
                problems.append(f'label map file {value}: expected a JSON object {{"TOOL_LABEL": "TARGET"}}')
                continue
            pairs = list(data.items())
        else:
            pairs = []
            for item in value.split(","):
                if not item.strip():
                    continue
                if "=" not in item:
                    problems.append(f"--label-map {item!r}: expected TOOL_LABEL=TARGET (or a JSON file that exists)")
                    continue
                k, v = item.rsplit("=", 1)
                pairs.append((k.strip(), v))
        for k, v in pairs:
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
        raise LabelMapError(
            f"{len(problems)} problems in the label map:\n"
            + "\n".join(f"  {p}" for p in problems)
            + f"\n  (targets are {TARGETS})"
        )
    return out


def default_target(label: str) -> Target | None:
    if label in schema.entity_labels():
        return Target("entities", label)
    if label == CLAIM_LABEL:
        return Target("claims", None)
    if label.startswith(SECTION_PREFIX) and label[len(SECTION_PREFIX) :] in schema.section_labels():
        return Target("sections", label[len(SECTION_PREFIX) :])
    return None


def resolve(labels: Counter, user: dict[str, Target]) -> tuple[dict[str, Target], str | None]:
    """The map for the labels found (with their counts), and one error listing all unmapped labels."""
    out, missing = {}, []
    for label in labels:
        t = user.get(label) or default_target(label)
        if t is None:
            missing.append(label)
        else:
            out[label] = t
    if not missing:
        return out, None
    listing = ", ".join(f"{lab!r} ({labels[lab]} span{'s' * (labels[lab] != 1)})" for lab in sorted(missing))
    suggestion = ",".join(f"{lab}={suggest(lab)}" for lab in sorted(missing))
    msg = (
        f"{len(missing)} tool label{'s' * (len(missing) != 1)} with no target: {listing}. "
        f"Map them, e.g. --label-map '{suggestion}' (targets: an entity label such as PERSON, "
        "sections:<label>, claims, or ignore)"
    )
    return out, msg


def suggest(label: str) -> str:
    """The target to propose for an unmapped tool label: the entity label it most likely means
    (another case, a common alias), else ignore."""
    # no guess by spelling: a tool's "Action" is no LOCATION
    return schema.closest(label, schema.entity_labels(), spelling=False) or IGNORE
