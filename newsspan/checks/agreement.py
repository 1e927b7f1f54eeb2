"""annotators-disagree: a document's released layer is finished while its annotators still disagree in what
``newsspan adjudicate`` compares, in a layer whose provenance does not record it as ``adjudicated``. It needs
every annotation file of a document at once: the validator calls :func:`unresolved` with them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .. import schema
from ..files import locate, read_json
from ..model import LAYERS, Annotation, Claim
from ..report import WARNING, Problem
from . import ANNOTATION, register

ADJUDICATED = "adjudicated"  # the provenance step that says a layer's disagreements were decided

register(
    "annotators-disagree",
    WARNING,
    ANNOTATION,
    "A released layer is complete or gold, but the layers of two annotators it names "
    "(annotations/annotators/<name>/<id>.json) differ in a layer whose provenance does not record it as "
    "`adjudicated` (as `newsspan adjudicate` does once every disagreement of the layer is decided).",
)


def attribution_key(claim: Claim, annotation: Annotation) -> tuple:
    """A claim's attribution as comparable across two annotators' files (the source mention as offsets and label)."""
    att = claim.attribution
    source = next(((e.start, e.end, e.label) for e in annotation.entities if e.id == att.source), att.source)
    return (
        att.type,
        source,
        att.source_span and (att.source_span.start, att.source_span.end),
        att.cue and (att.cue.start, att.cue.end),
    )


def compared(ann: Annotation, layer: str) -> Counter:
    """What two annotators must give alike in a layer for adjudication to find nothing to decide."""
    extra = {
        "sections": lambda s: (),
        "entities": lambda e: (e.kb_id, e.cluster),
        "claims": lambda c: (c.checkworthy, attribution_key(c, ann)),
    }[layer]
    return Counter((s.start, s.end, s.label, extra(s)) for s in ann.layer(layer))


def _model(data: object) -> Annotation | None:
    value, _, valid = read_json(data, "annotation") if isinstance(data, bytes) else (None, [], False)
    return Annotation.from_json(value) if valid and value is not None else None


def unresolved(stem: str, annotations: Mapping[str | None, object]) -> list[Problem]:
    """The finding on a document's released layer, from the contents of its annotation files (key None: the
    released layer; a Problem: a file that could not be read). A file with an error is left out."""
    released = annotations.get(None)
    if not isinstance(released, bytes) or sum(k is not None for k in annotations) < 2:
        return []  # most documents have no two annotators' layers: their released layer is not parsed twice
    value, _, valid = read_json(released, "annotation")
    if not valid or value["status"] not in schema.released_statuses():
        return []
    # the layers of the annotators the released layer names (a layer derived by a tool, such as an
    # import's, is no annotator's judgement to reconcile)
    names = sorted(k for k in annotations if k is not None and k in value["annotators"])
    if len(names) < 2:
        return []
    models = [m for m in map(_model, (annotations[k] for k in names)) if m is not None]
    steps = {layer: step.get("steps", ()) for layer, step in (value.get("provenance") or {}).items()}
    differ = [
        layer
        for layer in LAYERS
        if ADJUDICATED not in steps.get(layer, ())
        and any(compared(m, layer) != compared(models[0], layer) for m in models)
    ]
    if not differ:
        return []
    message = (
        f"the layer is {value['status']}, but the annotators' layers ({', '.join(names)}) differ in "
        f"{' and '.join(differ)}, which its provenance does not record as adjudicated"
    )
    hint = (
        f"run `newsspan adjudicate {stem} {names[0]} {names[1]} --interactive --force --status {value['status']}` "
        "(or decide with --prefer A|B or --decisions FILE)"
    )
    return locate(released.decode("utf-8"), [Problem("annotators-disagree", message, "/status", hint)])
