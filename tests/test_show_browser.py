"""`newsspan show` pages in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium).

CI installs the browser (.ci/run) and sets NEWSSPAN_REQUIRE_BROWSER=1, so there a missing browser
fails these tests; elsewhere they are skipped, saying what to install.
"""

import os
import shutil

import pytest

from newsspan import Corpus
from test_show import SEED, hostile_root

from conftest import REPO
from layers import newsspan

pytestmark = pytest.mark.slow  # a real browser starts in seconds

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# as the machine's notes say: this network is closed, so Chromium must not try to reach anything
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,1400",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not path]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        reason = (
            f"needs {', '.join(missing)}: `apt-get install chromium chromium-driver` (Debian) and "
            "`pip install -e '.[test]'`; CI installs them"
        )
        if os.environ.get("NEWSSPAN_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_every_mention_of_the_seed_is_a_visible_highlight(browser, tmp_path):
    from selenium.webdriver.common.by import By

    out = tmp_path / "seed.html"
    assert newsspan("show", SEED, "--root", REPO, "--out", out)[0] == 0
    browser.get(out.as_uri())
    doc = Corpus(REPO)[SEED]
    assert browser.title.startswith(doc.meta["title"])
    transparent = ("rgba(0, 0, 0, 0)", "transparent")
    for e in doc.entities:
        el = browser.find_element(By.ID, e.id)
        assert el.tag_name == "mark" and el.is_displayed(), e
        assert el.text == e.text, e
        assert el.value_of_css_property("background-color") not in transparent, e
        assert el.get_attribute("title").startswith(f"{e.id} {e.label} [{e.start}, {e.end})")
    # one colour per label, read from the rendered page
    colors = {}
    for e in doc.entities:
        colors.setdefault(e.label, set()).add(
            browser.find_element(By.ID, e.id).value_of_css_property("background-color")
        )
    assert all(len(c) == 1 for c in colors.values()) and len({next(iter(c)) for c in colors.values()}) == len(colors)
    # claims are underlined
    claim = browser.find_element(By.ID, doc.claims[0].id)
    assert "underline" in claim.value_of_css_property("text-decoration-line")
    assert browser.find_elements(By.CSS_SELECTOR, ".sec-label")[0].text == doc.sections[0].label


def test_a_hostile_article_runs_no_script(browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    root = hostile_root(tmp_path)
    out = tmp_path / "hostile.html"
    assert newsspan("show", "hostile", "--root", root, "--out", out)[0] == 0
    browser.get(out.as_uri())
    # nothing the article holds ran: it would have set window.__pwned or opened an alert
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.accept()
    assert (
        browser.execute_script(
            "return document.querySelectorAll('script, img, iframe, object, embed, a[href^=\"javascript\"]').length"
        )
        == 0
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert '<script>window.__pwned = 1; alert("pwned")</script>' in body
    assert '<img src=x onerror="window.__pwned = 2">' in body
    assert "javascript:window.__pwned=3" in body and "javascript:window.__pwned=5" in body
    for link in browser.find_elements(By.CSS_SELECTOR, "a"):  # the claim links point inside the page only
        assert link.get_attribute("href").split("#")[0] == out.as_uri()
