"""Time `archgen serve` from a save to the open page showing the new picture, in headless chromium.

    python bench/serve.py                # tinyurl and a 200-component design, 10 saves each
    python bench/serve.py --saves 20

The page stamps the moment it swapped the picture in (`data-swapped-at`, from the browser's
clock); the save's moment is taken just before the file is written. Targets: under 0.5 s for
tinyurl; for 200 components, under a cold `archgen render` of the same file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from synthetic import synthetic

# Measure archgen as installed tools run: with Python's bytecode cache (a shell may turn it off).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

ROOT = Path(__file__).resolve().parent.parent


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def save_to_page(driver: webdriver.Chrome, url: str, spec: Path, saves: int) -> list[float]:
    """Open the design's page, then save the spec `saves` times; return each save-to-picture time."""
    driver.get(url)
    WebDriverWait(driver, 60, 0.01).until(lambda d: d.execute_script("return document.body.dataset.swappedAt"))
    original = spec.read_text()
    times = []
    for number in range(saves):
        version = int(driver.execute_script("return document.body.dataset.version"))
        saved = time.time()
        spec.write_text(original.replace("archgen: 1\n", f"archgen: 1\ndescription: save {number}\n", 1))
        WebDriverWait(driver, 60, 0.005).until(
            lambda d, seen=version: int(d.execute_script("return document.body.dataset.version")) > seen
        )
        swapped = driver.execute_script(
            "return (performance.timeOrigin + Number(document.body.dataset.swappedAt)) / 1000"
        )
        times.append(swapped - saved)
        time.sleep(0.2)
    spec.write_text(original)
    return times


def cold_render(spec: Path, folder: Path) -> float:
    start = time.perf_counter()
    command = [sys.executable, "-m", "archgen", "render", str(spec), "-o", str(folder), "--format", "svg"]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        project = Path(name)
        designs = project / "designs"
        designs.mkdir()
        shutil.copy(ROOT / "designs" / "tinyurl.yaml", designs / "tinyurl.yaml")
        (designs / "synthetic-200.yaml").write_text(synthetic(200, grouped=True))
        server = subprocess.Popen(
            [sys.executable, "-m", "archgen", "serve", "designs", "--port", "0"],
            cwd=project,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.stderr is not None
        url = server.stderr.readline().split(" at ", 1)[1].split(" ", 1)[0]
        driver = browser()
        try:
            print(f"{'design':>14} {'median':>8} {'min':>7} {'max':>7}  cold `archgen render` (SVG)")
            for slug, file in (("tinyurl", "tinyurl.yaml"), ("synthetic-200", "synthetic-200.yaml")):
                times = save_to_page(driver, f"{url}design/{slug}/", designs / file, options.saves)
                cold = cold_render(designs / file, project / "out")
                print(
                    f"{slug:>14} {statistics.median(times):>7.3f}s {min(times):>6.3f}s {max(times):>6.3f}s  {cold:.3f}s"
                )
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
