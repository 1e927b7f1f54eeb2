"""Every registered check has a failing fixture that the validator reports under that id."""

import pytest

from newsspan import checks
from newsspan.checks import register
from newsspan.validator import validate_root

from conftest import FIXTURES, run_json

CHECK_IDS = sorted(checks.REGISTRY)


def test_valid_fixture_has_no_problems(valid_root):
    code, out = run_json("--root", valid_root)
    assert code == 0
    assert out["problems"] == []
    assert out["summary"]["documents"] == 1


def test_every_check_has_exactly_one_fixture_folder():
    folders = {p.name for p in (FIXTURES / "invalid").iterdir()}
    assert folders == set(CHECK_IDS)


@pytest.mark.parametrize("check_id", [c for c in CHECK_IDS if c != "internal-error"])
def test_fixture_fails_its_check(check_id, fixture_root):
    root, spec = fixture_root(check_id)
    code, out = run_json("--root", root, *spec.get("args", []))
    found = [p for p in out["problems"] if p["check"] == check_id]
    assert found, f"{check_id} not reported; got {[p['check'] for p in out['problems']]}"
    severity = checks.get(check_id).severity
    assert all(p["severity"] == severity for p in found)
    assert code == (1 if severity == "error" else 0)
    for p in found:
        assert p["path"] and not p["path"].startswith("/"), p
        assert p["message"]
        assert set(p) >= {"path", "line", "column", "pointer", "check", "severity", "document_id", "message"}


def test_internal_error_fails_closed(fixture_root):
    """A check that crashes yields an internal-error naming the file and check; never a pass."""
    root, spec = fixture_root("internal-error")
    assert spec["inject_failing_check"]

    def boom(ann, ctx):
        raise ZeroDivisionError("injected")
        yield  # pragma: no cover

    register("zz-test-crash", "error", checks.ANNOTATION, "a check that crashes (test only)")(boom)
    try:
        report = validate_root(root)
    finally:
        del checks.REGISTRY["zz-test-crash"]
    errs = [p for p in report.problems if p.check == "internal-error"]
    assert len(errs) == 1
    assert errs[0].path == "annotations/tiny.json"
    assert "zz-test-crash" in errs[0].message and "ZeroDivisionError" in errs[0].message
    assert not report.ok
