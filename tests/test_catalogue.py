from newsspan import catalogue, checks

from conftest import REPO, run_cli


def test_docs_checks_md_is_current():
    """docs/checks.md is generated; regenerate with `newsspan checks --markdown > docs/checks.md`."""
    assert (REPO / "docs" / "checks.md").read_text(encoding="utf-8") == catalogue.markdown()


def test_catalogue_lists_every_check_once():
    md = catalogue.markdown()
    for check_id in checks.REGISTRY:
        assert md.count(f"| `{check_id}` |") == 1


def test_checks_command_prints_catalogue():
    res = run_cli("checks", "--markdown")
    assert res.returncode == 0
    assert res.stdout == catalogue.markdown()
