"""Problems, the one thing newsspan tells a user about their files (made by checks, readers, importers and the
build), the Report of ``newsspan validate``, and its renderings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


def show(value, limit: int = 80) -> str:
    """A value quoted for a message: JSON-style, shortened, safe to print (lone surrogates escaped)."""
    if isinstance(value, str):
        s = value if len(value) <= limit else value[: limit - 1] + "…"
        s = json.dumps(s, ensure_ascii=False)
    else:
        s = repr(value)
        if len(s) > limit:
            s = s[: limit - 1] + "…"
    return s.encode("utf-8", "backslashreplace").decode("utf-8")


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class Problem:
    """One problem: what is wrong (``check``, ``message``), where (``path`` relative to the root, ``line``,
    ``column``, a JSON ``pointer``, or a tool export's item ``where``), how bad, and how to fix it (``hint``)."""

    check: str
    message: str
    pointer: str = ""
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    severity: str = ERROR
    document_id: str | None = None
    where: str | None = None  # the tool's item the problem is about, for a problem of an export

    def sort_key(self):
        # numbers as numbers: line 9 before line 10, /entities/2 before /entities/10
        parts = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in self.pointer.split("/"))
        return (self.path, self.line or 0, self.column or 0, parts, self.check, self.message)

    def to_dict(self) -> dict:
        keys = ("path", "check", "severity", "message", "line", "column", "pointer", "document_id", "hint")
        out = {key: getattr(self, key) for key in keys}
        if self.where is not None:
            out["where"] = self.where
        return out

    def headline(self) -> str:
        """The problem on one line, as ``newsspan validate`` prints it (its fix goes below)."""
        if self.where is not None:  # an export's item: the tool's words first
            return f"{self.where}: {self.message}" if self.where else self.message  # "": says its place itself
        where = self.path if self.line is None else f"{self.path}:{self.line}:{self.column or 1}"
        pointer = f" {self.pointer}:" if self.pointer else ""
        return f"{where}: {self.severity}[{self.check}]{pointer} {self.message}"

    def __str__(self) -> str:
        return self.headline() + (f"\n    fix: {self.hint}" if self.hint else "")


@dataclass
class Report:
    """What ``newsspan validate`` found in a root: every problem, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    documents: int = 0
    root: str = ""  # named in the summary, so that nobody mistakes one checkout for another

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.sort_key)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """No error (warnings allowed): what exit code 0 means."""
        return not any(p.severity == ERROR for p in self.problems)

    def summary(self) -> dict:
        return {
            "root": self.root,
            "documents": self.documents,
            "files_checked": self.files_checked,
            "errors": sum(p.severity == ERROR for p in self.problems),
            "warnings": sum(p.severity == WARNING for p in self.problems),
            "by_check": dict(sorted(Counter(p.check for p in self.problems).items())),
        }

    def summary_line(self) -> str:
        s = self.summary()
        by = ", ".join(f"{k}: {v}" for k, v in s["by_check"].items())
        verdict = "passed" if self.ok else "FAILED"
        line = (
            f"newsspan validate {verdict}{' in ' + self.root if self.root else ''}: "
            f"{count(s['documents'], 'document')}, {count(s['files_checked'], 'file')} checked, "
            f"{count(s['errors'], 'error')}, {count(s['warnings'], 'warning')}"
        )
        return line + (f" ({by})" if by else "")


def count(n: int, noun: str) -> str:  # 1 document, 2 documents
    return f"{n} {noun}{'s' * (n != 1)}"


def render_text(report: Report) -> str:
    return "".join(str(p) + "\n" for p in report.sorted()) + report.summary_line() + "\n"


def render_json(report: Report) -> str:
    doc = {"problems": [p.to_dict() for p in report.sorted()], "summary": report.summary()}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace").decode() + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands, one per problem, then the summary as a notice."""
    out = []
    for p in report.sorted():
        place = "" if p.line is None else f",line={p.line},col={p.column or 1}"
        props = f"file={_gh_escape(p.path, True)}{place},title={_gh_escape('newsspan ' + p.check, True)}"
        msg = (f"{p.pointer}: " if p.pointer else "") + p.message + (f" Fix: {p.hint}" if p.hint else "")
        out.append(f"::{p.severity} {props}::{_gh_escape(msg)}")
    out.append(report.summary_line())
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
