"""Progress bars on stderr for the commands that can run for a while (tqdm).

Shown only when stderr is a terminal, and never with ``--quiet`` or ``--format json``: a log
file, a pipe or a CI job gets the report alone. The library takes ``progress=True/False`` and
the CLI decides with :func:`wanted`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable


def wanted(quiet: bool = False, fmt: str = "text") -> bool:
    """Whether a command should show progress: a terminal on stderr, not quiet, not JSON."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        tty = False
    return tty and not quiet and fmt != "json"


def bar(items: Iterable, *, total: int | None = None, desc: str = "", enabled: bool = False, unit: str = "doc"):
    """items, counted on a progress bar on stderr when enabled (the bar is cleared at the end)."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
