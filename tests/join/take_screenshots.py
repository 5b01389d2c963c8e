"""Screenshots of every page of the join service, taken with headless Chromium.

Run from the repository (Debian's ``chromium`` and ``chromium-driver`` installed)::

    .venv/bin/python -m tests.join.take_screenshots [--out docs/screenshots]

It starts the service on a free port of 127.0.0.1 over a temporary demo
store and writes ``join-*.png``: a live link (also at a phone's size), the
page once joined, an expired and a revoked link (410), an unknown address
(404), the lobby's form, a wrong ID in it, and the waiting page, for a person
who typed the ID and for a second browser on a used link.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from selenium.webdriver.common.by import By

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.join_service.app import JoinService
from collab_console.join_service.server import BackgroundServer
from collab_console.store import open_store
from tests.join import browser
from tests.join.conftest import AGENT, BASE, Clock, mint, seeded_store

#: The desktop size, and a phone's (CSS pixels; the phone at 2x, as phones draw).
DESKTOP = (900, 800)
PHONE = (390, 760)


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="collab-join-shots-") as folder:
        data = Path(folder) / "data"
        store = seeded_store(data)
        clock = Clock()
        service = JoinService(lambda: open_store(data), clock=clock, threads=2)
        try:
            with BackgroundServer(service.app) as running, browser.chromium(*DESKTOP) as page:

                def shot(name: str) -> None:
                    path = out / f"join-{name}.png"
                    page.save_screenshot(str(path))
                    written.append(path)

                link = running.origin + BASE + mint(store, clock)
                page.get(link)
                shot("link")
                page.find_element(By.TAG_NAME, "button").click()
                page.find_element(By.CSS_SELECTOR, ".state.ok")
                shot("joined")

                with browser.chromium(*DESKTOP) as second:
                    second.get(link)
                    second.find_element(By.TAG_NAME, "button").click()
                    second.find_element(By.CSS_SELECTOR, ".state.wait")
                    path = out / "join-link-reused.png"
                    second.save_screenshot(str(path))
                    written.append(path)

                revoked = running.origin + BASE + mint(store, clock)
                store.revoke_link(
                    store.list_links(DEMO_ACTIVE_ID)[0].link_id, actor=AGENT, now=clock.now
                )
                page.get(revoked)
                shot("revoked")

                expired = running.origin + BASE + mint(store, clock)
                clock.advance(minutes=31)
                page.get(expired)
                shot("expired")

                page.get(running.origin + BASE + "0" * 24)
                shot("not-found")

                with browser.chromium(*DESKTOP) as lobby:
                    lobby.get(running.origin + BASE)
                    path = out / "join-lobby.png"
                    lobby.save_screenshot(str(path))
                    written.append(path)
                    lobby.find_element(By.ID, "session_id").send_keys("7QKM")
                    lobby.find_element(By.ID, "name").send_keys("Dana Levi")
                    lobby.find_element(By.TAG_NAME, "button").click()
                    lobby.find_element(By.ID, "form-error")
                    path = out / "join-lobby-wrong-id.png"
                    lobby.save_screenshot(str(path))
                    written.append(path)
                    lobby.find_element(By.ID, "session_id").clear()
                    lobby.find_element(By.ID, "session_id").send_keys("7QKM-92HX")
                    lobby.find_element(By.TAG_NAME, "button").click()
                    lobby.find_element(By.CSS_SELECTOR, ".state.wait")
                    path = out / "join-lobby-waiting.png"
                    lobby.save_screenshot(str(path))
                    written.append(path)

                clock.advance(minutes=-31)
                with browser.chromium(*PHONE, scale=2) as phone:
                    phone.get(running.origin + BASE + mint(store, clock))
                    path = out / "join-link-phone.png"
                    phone.save_screenshot(str(path))
                    written.append(path)
        finally:
            service.close()
            store.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    problem = browser.missing()
    if problem:
        print(f"take_screenshots: {problem}", file=sys.stderr)
        return 1
    for path in take(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
