"""JSON Schema errors turned into findings that say what was expected, what was found and how to fix it."""

from __future__ import annotations

import difflib
import functools
import re

from . import ids, labels, schema
from .findings import Finding, pointer
from .report import show


def type_name(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return (
            "a number with a fraction part"
            if v == v and v not in (float("inf"), float("-inf"))
            else "a non-finite number"
        )
    if isinstance(v, str):
        return "a string"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _describe(err) -> tuple[str, str | None]:
    v, kw, inst = err.validator_value, err.validator, err.instance
    if kw == "type":
        want = v if isinstance(v, str) else " or ".join(v)
        msg = f"expected {'an' if want[0] in 'aeiou' else 'a'} {want}, found {show(inst)} ({type_name(inst)})"
        hint = None
        if want == "integer" and isinstance(inst, (float, str, bool)):
            hint = 'offsets are whole numbers of code points, written without quotes or decimal point (e.g. 12, not 12.0 or "12")'
        return msg, hint
    if kw == "required":
        missing = [k for k in v if isinstance(inst, dict) and k not in inst]
        return (
            f"missing required propert{'ies' if len(missing) > 1 else 'y'} {', '.join(show(k) for k in missing)}",
            None,
        )
    if kw == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in inst if k not in allowed] if isinstance(inst, dict) else []
        hint = None
        for k in extra:
            close = difflib.get_close_matches(k, allowed, n=1)
            if close:
                hint = f"did you mean {show(close[0])}?"
                break
        return (
            f"unexpected propert{'ies' if len(extra) > 1 else 'y'} {', '.join(show(k) for k in extra)}; allowed: {', '.join(allowed)}",
            hint or "remove it",
        )
    if kw == "enum":
        nearest = labels.closest(inst, [str(x) for x in v]) if isinstance(inst, str) else None
        shown = ", ".join(str(x) for x in v) if len(v) <= 20 else ", ".join(str(x) for x in v[:20]) + ", …"
        return f"{show(inst)} is not one of {shown}", (
            f"did you mean {show(nearest)}? (labels come from the schema; a tool label needs --label-map on import)"
            if nearest
            else None
        )
    if kw == "const":
        return f"expected {show(v)}, found {show(inst)}", None
    if kw == "pattern":
        if v == _pattern("spanId"):
            # the layer's letter (s, e, c) for an id that must start with one
            layer = next((str(p) for p in err.absolute_path if p in schema.layers()), "x")
            return (
                f"{show(inst)} is not a valid span id: span ids are {ids.SPAN_ID_RULE}",
                f"use e.g. {show(ids.safe_span_id(inst, layer[0]))}",
            )
        if v == _pattern("documentId"):
            suggestion = ids.safe_id(inst)
            return (
                f"{show(inst)} is not a valid document id: ids are {ids.DOCUMENT_ID_RULE}",
                f"use e.g. {show(suggestion)} (and name the files after it)" if suggestion else None,
            )
        desc = err.schema.get("description") or f"must match {v}"
        return f"{show(inst)} does not have the required form: {desc}", None
    if kw in ("minimum", "maximum"):
        return f"{show(inst)} is {'below the minimum' if kw == 'minimum' else 'above the maximum'} of {v}", None
    if kw == "minLength":
        return f"{show(inst)} is shorter than {v} character{'s' * (v != 1)}", None
    if kw == "maxLength":
        return f"a string of {len(inst)} characters is longer than the maximum of {v}", None
    if kw == "maxItems":
        return f"{len(inst)} items, more than the maximum of {v}", None
    if kw == "oneOf" and isinstance(inst, dict) and "source" in str(err.schema):
        if "source" in inst and "source_span" in inst:
            return (
                "a source attribution has both `source` and `source_span`; expected exactly one",
                "keep `source` for a named entity, `source_span` otherwise",
            )
        return (
            "a source attribution needs `source` (id of the source's entity mention) or `source_span` (its span)",
            None,
        )
    if kw == "not" and isinstance(inst, dict) and "source" in str(err.schema):
        return (
            f"attribution type {show(inst.get('type'))} may not have `source` or `source_span`",
            'set type to "source", or remove the source',
        )
    return err.message, None


# Where jsonschema-rs passes a string that jsonschema does not: Python's `re` counts U+001C to
# U+001F and U+0085 as whitespace (\s, \S), Rust's regex does not. In JSON text the first four
# can only be escapes; U+0085 may also stand as itself.
_DIFFERING_ESCAPE = re.compile(r"\\u00(?:1[c-fC-F]|85)")


def _regexes_may_differ(source: str) -> bool:
    return "\x85" in source or ("\\" in source and "\\u00" in source and _DIFFERING_ESCAPE.search(source) is not None)


@functools.cache
def _compiled(name: str):
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema.load(name))


def passes(name: str, instance, source: str, floats: bool) -> bool:
    """Whether instance, parsed from the JSON text source, is valid against schema `name`
    by the compiled ``jsonschema-rs`` validator (a hundred times faster than ``jsonschema``).

    The two validators judge a few values differently, and then jsonschema decides: a float
    without a fraction where an integer is required (12.0 is an integer to jsonschema-rs, not
    to the StrictValidator) and the whitespace of _regexes_may_differ(). So an instance that
    may hold a float (floats, as the strict reader reports it) or those characters never
    passes here. False means only "ask :func:`findings`".
    """
    return not floats and not _regexes_may_differ(source) and _compiled(name).is_valid(instance)


def _pattern(name: str) -> str:
    return schema.load("annotation")["$defs"][name]["pattern"]


def findings(name: str, instance) -> list[Finding]:
    """Every schema violation of instance against schema `name` ('annotation' or 'document'),
    found and explained by ``jsonschema``."""
    out: dict[tuple[str, str], Finding] = {}
    for err in schema.validator(name).iter_errors(instance):
        msg, hint = _describe(err)
        # jsonschema yields one `required` error per missing property; _describe already names
        # them all in one message, so the same finding would otherwise repeat once per property
        f = Finding("schema", msg, pointer=pointer(*err.absolute_path), hint=hint)
        out.setdefault((f.pointer, f.message), f)
    return list(out.values())
