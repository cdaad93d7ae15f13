"""`archgen serve` in a real browser: Debian's chromium and chromium-driver, driven by selenium, headless."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, needs_dot

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    needs_dot,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromium-driver are not installed"),
]
SPOF = FIXTURES / "lint" / "spof.yaml"
FIXED_DB = "  db: {kind: database, engine: postgresql, replicas: 2, zones: [az-a, az-b], backup: true}"
TYPO = "  db: {kind: databse, engine: postgresql, zones: [az-b], backup: true}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(SPOF, designs / "spof.yaml")
    shutil.copy(ROOT / "designs" / "tinyurl.yaml", designs / "tinyurl.yaml")
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[str]:
    """Start `archgen serve designs --port 0` in the project; yield its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "archgen", "serve", "designs", "--port", "0"],
        cwd=project,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.startswith("serving 2 designs at http://127.0.0.1:"), line
    yield line.split(" at ", 1)[1].split(" ", 1)[0]
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait(driver: object, condition: object, seconds: float = 5.0) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)


def findings(driver: object) -> list[str]:
    """Return the codes the findings list shows, read in one script (the page may swap the list meanwhile)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#findings li')].map((item) => item.dataset.code || '')"
    )


def spof_marks(driver: object) -> list[str]:
    """Return the ids of the boxes the picture marks SPOF (their title, from Graphviz's SVG)."""
    script = """
      return [...document.querySelectorAll('#diagram g.node')]
        .filter((node) => [...node.querySelectorAll('text')].some((text) => text.textContent.startsWith('SPOF')))
        .map((node) => node.querySelector('title').textContent);
    """
    return driver.execute_script(script)


def test_the_index_lists_every_design(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    wait(browser, lambda driver: len(driver.find_elements(By.CSS_SELECTOR, "#designs li")) == 2)
    names = [item.find_element(By.TAG_NAME, "a").text for item in browser.find_elements(By.CSS_SELECTOR, "#designs li")]
    assert names == ["Single database", "TinyURL"]


def test_a_save_redraws_every_open_page_without_a_reload(server, browser, project, tmp_path):
    page = f"{server}design/single-database/"
    browser.get(page)
    wait(browser, lambda driver: "REL001" in findings(driver))
    assert "db" in spof_marks(browser) and "app" in spof_marks(browser)
    browser.execute_script("window.sameDocument = true")
    browser.save_screenshot(str(tmp_path / "design-page.png"))
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(page)
    wait(browser, lambda driver: "REL001" in findings(driver))
    browser.execute_script("window.sameDocument = true")

    spec = project / "designs" / "spof.yaml"
    spec.write_text(
        spec.read_text().replace("  db: {kind: database, engine: postgresql, zones: [az-b], backup: true}", FIXED_DB)
    )
    saved = time.monotonic()
    for handle in (browser.current_window_handle, first):
        browser.switch_to.window(handle)
        wait(browser, lambda driver: "REL001" not in findings(driver), seconds=2.0)
        assert "db" not in spof_marks(browser), "the SPOF mark is gone"
        assert browser.execute_script("return window.sameDocument") is True, "updated in place, not reloaded"
    assert time.monotonic() - saved < 2.0


def test_a_typo_shows_its_position_over_the_last_picture_until_fixed(server, browser, project):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}design/single-database/")
    wait(browser, lambda driver: "REL001" in findings(driver))
    spec = project / "designs" / "spof.yaml"
    good = spec.read_text()
    spec.write_text(good.replace("  db: {kind: database, engine: postgresql, zones: [az-b], backup: true}", TYPO))
    overlay = browser.find_element(By.ID, "overlay")
    wait(browser, lambda driver: overlay.is_displayed(), seconds=2.0)
    line = good.splitlines().index("  db: {kind: database, engine: postgresql, zones: [az-b], backup: true}") + 1
    column = TYPO.index("databse") + 1
    assert f"designs/spof.yaml:{line}:{column}: components.db.kind: unknown kind 'databse'" in overlay.text
    assert browser.find_elements(By.CSS_SELECTOR, "#diagram svg"), "the last good picture stays"
    spec.write_text(good)
    wait(browser, lambda driver: not overlay.is_displayed(), seconds=2.0)


def test_clicking_a_finding_highlights_its_component_and_shows_where_it_is(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}design/single-database/")
    wait(browser, lambda driver: "REL001" in findings(driver))
    browser.find_element(By.CSS_SELECTOR, '#findings li[data-code="REL001"]').click()
    highlighted = browser.execute_script(
        "return [...document.querySelectorAll('g.node.archgen-highlight')]"
        ".map((node) => node.querySelector('title').textContent)"
    )
    assert highlighted == ["db"]
    assert browser.find_element(By.ID, "where").text.startswith("designs/spof.yaml:")


def test_paths_outside_the_pages_are_refused(server):
    host, port = server.removeprefix("http://").rstrip("/").split(":")
    for path in (
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../../etc/passwd",
        "/designs/",
        "//etc/passwd",
    ):
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 404, path
        assert b"root:" not in response.read()
        connection.close()


def test_two_pictures_on_one_docs_page_each_show_their_own_icons(browser, tmp_path):
    """Every icon a picture uses resolves, in the browser, to a definition inside that same picture."""
    from tests.test_mkdocs import INDEX, mkdocs_build, site

    project = site(tmp_path, index=INDEX + "\nAnother:\n\n```archgen\ndesigns/spof.yaml\n```\n")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    browser.get((project / "site" / "index.html").as_uri())
    uses, wrong = browser.execute_script(
        """
        const uses = [...document.querySelectorAll('svg use')];
        const wrong = uses.filter((use) => {
          const target = document.getElementById((use.getAttribute('xlink:href') || use.getAttribute('href')).slice(1));
          return !target || target.closest('svg') !== use.closest('svg');
        }).map((use) => use.getAttribute('xlink:href'));
        return [uses.length, wrong];
        """
    )
    assert uses >= 10 and wrong == []


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_a_design_page_reads_well_in_both_builtin_themes(browser, tmp_path, theme):
    """The picture comes first, its smallest text is at least 11 px, tables have room; a screenshot to look at."""
    from tests.test_mkdocs import mkdocs_build, site

    project = site(tmp_path)
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text().replace("site_name: Our systems\n", f"site_name: Our systems\ntheme: {theme}\n")
    )
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    browser.set_window_size(1280, 1000)
    browser.get((project / "site" / "architecture" / "single-database" / "index.html").as_uri())
    measured = browser.execute_script(
        """
        const picture = document.querySelector('.archgen-diagram svg');
        const summary = document.querySelector('.archgen-findings');
        // A text's font size in the picture's units, times the picture's scale on the page: its size in px.
        const scale = picture.getScreenCTM().a;
        const texts = [...picture.querySelectorAll('text')]
          .map((text) => parseFloat(text.getAttribute('font-size')) * scale);
        const cell = document.querySelector('table.archgen-table td');
        return {
          pictureTop: picture.getBoundingClientRect().top,
          summaryTop: summary.getBoundingClientRect().top,
          requirementsTop: document.getElementById('requirements').getBoundingClientRect().top,
          smallestText: Math.min(...texts),
          padding: parseFloat(getComputedStyle(cell).paddingLeft),
          folded: !summary.querySelector('details').open,
          link: picture.closest('a').getAttribute('href'),
        };
        """
    )
    shot = tmp_path / f"design-page-{theme}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    assert measured["pictureTop"] < measured["summaryTop"] < measured["requirementsTop"], measured
    assert measured["smallestText"] >= 11, measured
    assert measured["padding"] >= 4 and measured["folded"] and measured["link"] == "diagram.svg", measured


def test_a_design_page_against_a_git_ref_shows_the_change(server, browser, project, tmp_path):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "add", "designs")
    git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", "designs")
    spec = project / "designs" / "spof.yaml"
    spec.write_text(
        spec.read_text().replace("  db: {kind: database, engine: postgresql, zones: [az-b], backup: true}", FIXED_DB)
    )
    browser.get(f"{server}design/single-database/?against=main")
    wait(browser, lambda driver: driver.find_element("id", "against-headline").text.startswith("Single database:"))
    headline = browser.find_element("id", "against-headline").text
    assert "resolves" in headline and "changes 1 component" in headline
    assert browser.execute_script("return document.querySelector('#diagram svg').textContent.includes('changed')")
    assert "db" in browser.find_element("id", "against-changes").text
    browser.save_screenshot(str(tmp_path / "against.png"))


def test_a_large_designs_page_switches_between_the_whole_design_its_overview_and_its_views(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(FIXTURES / "scale" / "microservices-25.yaml", designs / "large.yaml")
    process = subprocess.Popen(
        [sys.executable, "-m", "archgen", "serve", "designs", "--port", "0"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        url = process.stderr.readline().split(" at ", 1)[1].split(" ", 1)[0]
        browser.get(f"{url}design/microservices-28-components/")
        title = "const svg = document.querySelector('#diagram svg'); return svg ? svg.textContent : ''"
        wait(browser, lambda driver: "Microservices, 28 components" in driver.execute_script(title))
        choice = Select(browser.find_element("id", "view"))
        assert [option.text for option in choice.options] == [
            "the whole design",
            "overview",
            "group:Data",
            "group:Edge",
            "group:Services",
            "group:Workers",
        ]
        assert browser.find_element("id", "views").is_displayed()
        choice.select_by_value("overview")
        wait(browser, lambda driver: "28 components: overview" in driver.execute_script(title))
        names = browser.execute_script(
            "return [...document.querySelectorAll('#diagram g.node title')].map((title) => title.textContent)"
        )
        assert sorted(name for name in names if name.startswith("#group")) == [f"#group{n}" for n in range(4)]
        assert "checkout_svc3" not in names, "each group one box"
        choice.select_by_value("group:Workers")
        wait(browser, lambda driver: "group Workers" in driver.execute_script(title))
        choice.select_by_value("")
        wait(browser, lambda driver: ": " not in driver.execute_script(title).split("Legend")[0])
    finally:
        process.terminate()
        process.wait(timeout=10)
