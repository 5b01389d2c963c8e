"""Debian's headless Chromium, driven by Selenium through Debian's chromedriver.

Never anything downloaded: the driver is ``/usr/bin/chromedriver``, given to
Selenium outright, and ``SE_OFFLINE=1`` keeps Selenium Manager from looking
for another. Each :func:`chromium` is a new browser with its own profile
(its own cookies), as a second person's browser would be.
``packaging/bootstrap test`` installs both packages.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver as AnyDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} is missing: apt-get install {package} (packaging/bootstrap test does)"
    return None


@contextmanager
def chromium(width: int = 1000, height: int = 900, *, scale: float = 1) -> Iterator[WebDriver]:
    """A new headless Chromium with its own profile, quit (and its profile removed) after."""
    os.environ["SE_OFFLINE"] = "1"
    profile = tempfile.mkdtemp(prefix="collab-join-browser-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in CI and containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
        f"--window-size={width},{height}",
        f"--force-device-scale-factor={scale}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    service = Service(executable_path=CHROMEDRIVER, log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(20)
        driver.implicitly_wait(5)  # find_element waits for a page still loading
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


#: How long a page may take to show what it should (the lobby page refreshes every 2 s).
WAIT_S = 15


def heading(driver: AnyDriver) -> str:
    """The page's ``<h1>``: what the person reads first."""
    return _text_of(driver, "h1")


def page_text(driver: AnyDriver) -> str:
    return _text_of(driver, "body")


def _text_of(driver: AnyDriver, tag: str) -> str:
    """The text of the page's first ``tag``, looked up again if the page reloaded (a
    waiting page does every 2 s) between finding the element and reading it."""
    for _ in range(3):
        try:
            return str(driver.find_element(By.TAG_NAME, tag).text)
        except StaleElementReferenceException:
            continue
    return str(driver.find_element(By.TAG_NAME, tag).text)


def wait_for_heading(driver: AnyDriver, text: str) -> None:
    # A waiting page reloads itself every 2 s: a heading found just before a reload is
    # stale when read, and the next look finds the new page's.
    WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: heading(d) == text
    )
