"""The fast path of validation: prove a JSON file clean cheaply, or leave it to the careful path.

The careful path (``jsonfile.parse`` then ``schema_errors.findings``, i.e. the pure-Python
``jsonschema``) finds and explains every problem, but costs ~10 ms for a 4,000-character
article's annotation, most of it in ``iter_errors``. Most files are clean, so a file is first
parsed with plain ``json`` and checked with the compiled Rust validator ``jsonschema-rs``; only
when that proves it clean is the careful path skipped. Anything else (a problem, or anything the
two validators could judge differently) goes to the careful path, which alone writes findings.
So the fast path can change the speed, never the verdict:

- ``jsonschema-rs`` (like ``jsonschema``) counts 12.0 as an integer; our ``StrictValidator``
  does not. A file with any float is never proven clean here.
- Python's ``re`` counts U+001C-U+001F as whitespace (``\\s``), Rust's ``regex`` does not; in
  JSON text those characters can only be escapes, so a file with a ``\\u000?``/``\\u001?``
  escape is never proven clean here.
- Nesting depth and huge numbers (json-too-deep, json-number-too-large) are not checked by the
  plain parse; a schema-valid file is bounded by the schema, so the fast path is used only for
  schemas that close every object and bound every number (``instance_depth``), and only when
  that depth is within the configured limit.
"""

from __future__ import annotations

import functools
import re

from . import jsonfile, schema

try:  # the fast path is an optimisation: without the wheel, everything takes the careful path
    import jsonschema_rs
    HAVE_RS = True
except ImportError:  # pragma: no cover - exercised only where no wheel exists
    HAVE_RS = False

# control escapes (see above) and the surrogate escapes that parse_plain() declines, in one scan
_DECLINED_ESCAPE = re.compile(r"\\u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")
_BIG = 10 ** 15  # a bound on numbers far below json-number-too-large's thousands of digits


def instance_depth(root: dict) -> int | None:
    """The deepest nesting (as jsonfile counts it) of any instance valid against a schema, or None.

    None when the schema leaves some value open (an object without ``additionalProperties:
    false``, a value of any type, a number without bounds) or recurses: then nothing but the
    careful path knows how deep or large a valid file can be.
    """
    defs = root.get("$defs", {})

    def depth(node, seen) -> int | None:
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if ref is not None:
            name = ref[len("#/$defs/"):] if isinstance(ref, str) and ref.startswith("#/$defs/") else None
            if name is None or name in seen or name not in defs:
                return None
            return depth(defs[name], seen | {name})
        if "const" in node or "enum" in node:
            values = [node["const"]] if "const" in node else node["enum"]
            return 0 if all(isinstance(v, (str, bool)) or v is None for v in values) else None
        kind = node.get("type")
        if kind in ("string", "boolean", "null"):
            return 0
        if kind in ("integer", "number"):
            lo, hi = node.get("minimum"), node.get("maximum")
            ok = all(isinstance(b, (int, float)) and not isinstance(b, bool) and abs(b) < _BIG for b in (lo, hi))
            return 0 if ok else None
        if kind == "array":
            if set(node) & {"prefixItems", "contains", "unevaluatedItems", "additionalItems"}:
                return None
            d = depth(node.get("items"), seen)
            return None if d is None else d + 1
        if kind == "object":
            if node.get("additionalProperties") is not False or "patternProperties" in node:
                return None
            best = 0
            for sub in node.get("properties", {}).values():
                d = depth(sub, seen)
                if d is None:
                    return None
                best = max(best, d)
            return best + 1
        return None

    return depth(root, frozenset())


@functools.cache
def _fast(name: str):
    """(compiled jsonschema-rs validator, instance depth bound) for a schema, or None."""
    if not HAVE_RS:
        return None
    bound = instance_depth(schema.load(name))
    if bound is None:
        return None
    return jsonschema_rs.validator_for(schema.load(name)), bound


def ready(name: str) -> None:
    """Compile schema `name`'s fast validator now rather than at its first use."""
    _fast(name)


def load_clean(text: str, name: str, max_depth: int = jsonfile.MAX_DEPTH) -> dict | None:
    """The parsed object when the text is proven clean JSON that is valid against schema `name`.

    None means "not proven": the caller runs the careful path, which reports what is wrong (or
    finds nothing wrong: the fast path may decline a file that is fine).
    """
    fast = _fast(name)
    if fast is None:
        return None
    validator, bound = fast
    if bound > max_depth or _DECLINED_ESCAPE.search(text):
        return None
    parsed = jsonfile.parse_plain(text, surrogates_searched=True)
    if parsed is None:
        return None
    value, has_float = parsed
    if has_float or not isinstance(value, dict):
        return None
    try:
        ok = validator.is_valid(value)
    except Exception:  # noqa: BLE001 - whatever the fast validator cannot handle, the careful path judges
        return None
    return value if ok else None
