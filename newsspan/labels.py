"""Did-you-mean for labels: the one table of common foreign spellings, used by the validator's
schema messages and by import label maps alike.

A suggestion is only ever printed; no label is changed without the user's word (a label map).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# What other tools and datasets call the schema's entity labels (CoNLL-2003, WikiNER, spaCy's
# small models, everyday words), keyed in upper case with '_' for spaces and hyphens. Each value
# is a label of the schema's entityLabel enum (a test holds them to it).
ALIASES = {
    "PER": "PERSON",
    "PERS": "PERSON",
    "PEOPLE": "PERSON",
    "HUMAN": "PERSON",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "COMPANY": "ORG",
    "BRAND": "ORG",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "COUNTRY": "GPE",
    "CITY": "GPE",
    "STATE": "GPE",
    "NATIONALITY": "NORP",
    "FACILITY": "FAC",
    "WORK": "WORK_OF_ART",
    "NUMBER": "CARDINAL",
    "NUM": "CARDINAL",
    "PERCENTAGE": "PERCENT",
}


def _key(label: str) -> str:
    return "_".join(label.strip().upper().replace("-", " ").split())


def closest(value: str, choices: Iterable[str], spelling: bool = True) -> str | None:
    """The choice that a mistyped or foreign label most likely means, or None.

    The same label in another case (``Person``, ``paragraph ``), then a common alias (``PER``,
    ``ORGANIZATION``, ``LOCATION``), then (unless ``spelling=False``) the nearest spelling
    (``PERSNO``).
    """
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
