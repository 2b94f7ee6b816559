"""The review page's browser tests: Selenium drives Debian's chromium through
/usr/bin/chromedriver (never a browser or driver downloaded: Selenium Manager is told to stay
offline and is given both paths). scripts/ui_tests.sh starts the server and sets UI_TESTS_*."""

import json
import os
from urllib.parse import urlsplit

import pytest

os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never reach the network

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BASE = os.environ.get("UI_TESTS_URL", "")
ARTIFACTS = os.environ.get("UI_TESTS_ARTIFACTS", "target/ci-artifacts")
PHONE = (390, 844)
DESKTOP = (1280, 900)


@pytest.fixture(scope="session")
def base():
    if not BASE:
        pytest.fail("UI_TESTS_URL is not set: run these tests with scripts/ui_tests.sh")
    return BASE


@pytest.fixture(scope="session")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


class Page:
    """One browser over the server: sign-in, logs, and the checks every page gets."""

    def __init__(self, driver, base):
        self.d = driver
        self.base = base
        self.drain()

    def drain(self):
        self.d.get_log("browser")
        self.d.get_log("performance")

    def go(self, path):
        self.d.get(self.base + path)

    def sign_in(self, token):
        self.d.delete_all_cookies()
        self.go("/ui/sign-in")
        self.d.find_element(By.NAME, "token").send_keys(token)
        self.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(self.d, 30).until(lambda d: "/ui/sign-in" not in d.current_url)

    def wait_url(self, part):
        WebDriverWait(self.d, 30).until(lambda d: part in d.current_url)

    def console_errors(self):
        return [e for e in self.d.get_log("browser") if e.get("level") == "SEVERE"]

    def foreign_requests(self):
        """Every request the pages made since the last look that went to another origin."""
        ours = urlsplit(self.base).netloc
        foreign = []
        for entry in self.d.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.requestWillBeSent":
                continue
            url = message["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme in ("data", "about", "blob"):
                continue
            if parts.netloc != ours:
                foreign.append(url)
        return foreign

    def screenshot(self, name, size=DESKTOP, full=True):
        """The whole page at `size`'s width, to target/ci-artifacts/ui-NAME.png."""
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.d.set_window_size(*size)
        metrics = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size != DESKTOP}
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        height = self.d.execute_script("return document.documentElement.scrollHeight")
        metrics["height"] = min(max(size[1], height), 8000) if full else size[1]
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.d.save_screenshot(os.path.join(ARTIFACTS, f"ui-{name}.png"))
        self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.d.set_window_size(*DESKTOP)


@pytest.fixture
def page(driver, base):
    p = Page(driver, base)
    yield p
    errors = p.console_errors()
    foreign = p.foreign_requests()
    assert not errors, f"console errors: {errors}"
    assert not foreign, f"requests to another origin: {foreign}"


@pytest.fixture(scope="session")
def reviewer():
    return os.environ["UI_TESTS_REVIEWER"]


@pytest.fixture(scope="session")
def reader():
    return os.environ["UI_TESTS_READER"]
