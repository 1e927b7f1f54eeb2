"""A finding: one problem as a check sees it, before the runner adds the file and severity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    pointer: str = ""
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    file: str | None = None  # path relative to the root, when not the file under check


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
