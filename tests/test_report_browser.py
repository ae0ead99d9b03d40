"""The HTML reports in headless Chromium: no console errors, filters, audio, no script injection.

Needs Debian's chromium and chromedriver (skips cleanly without them).  Load time
of a 1,500-utterance meeting is measured in ``benchmarks/bench_report.py``, not here.
"""

from __future__ import annotations

import time
import wave
from pathlib import Path

import pytest

from pipeline.report.html import render_html
from tests.report_builders import NASTY, make_meeting, make_report, make_transcript, synthetic_meeting

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="needs /usr/bin/chromium and /usr/bin/chromedriver"),
]

FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def make_driver(profile: Path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument("--window-size=1200,1500")
    opts.binary_location = str(CHROMIUM)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    d = make_driver(tmp_path_factory.mktemp("chrome-profile"))
    yield d
    d.quit()


def write_silence(path: Path, seconds: int = 20) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 8000 * seconds)


@pytest.fixture(scope="module")
def nasty_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    t = synthetic_meeting(200, nasty=True, audio="/elsewhere/recording.wav")
    t = make_transcript(t.utterances, make_meeting(id="xss", company=NASTY, participants=t.meeting.participants), t.audio)
    write_silence(folder / "recording.wav")
    path = folder / "report.html"
    path.write_text(render_html(make_report(t)), encoding="utf-8")
    return path


def open_page(driver, path: Path) -> None:
    driver.get_log("browser")  # drop earlier entries
    driver.get(path.as_uri())


def severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_report_loads_clean_with_key_elements(driver, nasty_report, tmp_path):
    from selenium.webdriver.common.by import By

    open_page(driver, nasty_report)
    assert driver.find_element(By.ID, "scorecard").is_displayed()
    assert len(driver.find_elements(By.CSS_SELECTOR, "article.lesson")) == 8
    assert driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#transcript .u")) == 200
    assert driver.find_element(By.CSS_SELECTOR, ".toolbar").is_displayed()  # the script ran (CSP hash matched)
    shot = tmp_path / "report.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    assert severe(driver) == []


def test_filters_hide_non_matching_utterances(driver, nasty_report):
    from selenium.webdriver.common.by import By

    open_page(driver, nasty_report)
    for key, cls in (("questions", "is-q"), ("defensive", "is-def"), ("reflections", "is-ref")):
        driver.find_element(By.CSS_SELECTOR, f'[data-filter="{key}"]').click()
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('#transcript .u')).filter(e => e.offsetParent !== null).map(e => e.className)")
        expected = len(driver.find_elements(By.CSS_SELECTOR, f"#transcript .u.{cls}"))
        assert 0 < len(shown) == expected < 200
        assert all(cls in c.split() for c in shown)
        assert driver.find_element(By.ID, "shown-count").text == f"{expected} / 200"
    driver.find_element(By.CSS_SELECTOR, '[data-filter="all"]').click()
    assert driver.execute_script(
        "return Array.from(document.querySelectorAll('#transcript .u')).filter(e => e.offsetParent !== null).length") == 200
    assert severe(driver) == []


def test_injected_markup_is_text_and_does_not_run(driver, nasty_report):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(driver, nasty_report)
    name = driver.find_element(By.CSS_SELECTOR, "#transcript .u.rb-supplier .sp")
    assert name.text.startswith("<script>alert(1)</script>")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", name)
    ActionChains(driver).move_to_element(name).perform()
    time.sleep(0.2)
    assert no_alert(driver)
    texts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#transcript .tx")]
    assert any("<script>alert(1)</script>" in t and "javascript:alert(3)" in t for t in texts)
    assert driver.find_elements(By.CSS_SELECTOR, "#transcript script, #transcript [onmouseover]") == []
    assert driver.execute_script("return document.scripts.length") == 1
    assert not driver.find_elements(By.CSS_SELECTOR, 'a[href^="javascript"], [src^="javascript"]')
    assert severe(driver) == []


def test_audio_player_jumps_to_utterance(driver, nasty_report):
    from selenium.webdriver.common.by import By

    open_page(driver, nasty_report)
    buttons = driver.find_elements(By.CSS_SELECTOR, "button.play")
    target = next(b for b in buttons if 3 < float(b.get_attribute("data-t")) < 19)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    target.click()
    deadline = time.time() + 5
    while time.time() < deadline and driver.execute_script("return document.getElementById('player').currentTime") < 2:
        time.sleep(0.1)
    now = driver.execute_script("return document.getElementById('player').currentTime")
    assert abs(now - float(target.get_attribute("data-t"))) < 1.5
    assert severe(driver) == []


def test_dutch_report_and_print_layout(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "nl.html"
    path.write_text(render_html(make_report(synthetic_meeting(50)), lang="nl"), encoding="utf-8")
    open_page(driver, path)
    assert driver.find_element(By.CSS_SELECTOR, "#scorecard h2").text == "Scorekaart leerpunten"
    pdf = driver.print_page()  # print CSS applies without errors
    assert len(pdf) > 1000
    assert severe(driver) == []


def test_compare_page_loads_clean(driver, tmp_path):
    from selenium.webdriver.common.by import By

    from pipeline.compare import compare, load_results, write_comparison
    from tests.test_compare import meeting_report, write

    root = tmp_path / "out"
    for i, (supplier, buyer_s) in enumerate((("Supplier B", 240), ("Supplier B", 60), ("<b>Supplier</b> A", 90))):
        write(root, meeting_report(f"m{i}", supplier, f"2021-0{i + 4}-01", buyer_s))
    paths = write_comparison(compare(load_results(root), by="supplier"), tmp_path / "cmp")
    open_page(driver, paths["html"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "#status tbody tr")) == 3
    assert driver.find_elements(By.CSS_SELECTOR, "#groups svg.strip circle")
    assert "<b>Supplier</b> A" in driver.find_element(By.ID, "meetings").text
    driver.save_screenshot(str(tmp_path / "compare.png"))
    assert severe(driver) == []
