"""Reader-experience figures of a built site, in Debian's Chromium: page lengths in screens and code blocks that
scroll sideways.

    .venv/bin/python scripts/reader_metrics.py SITE_DIR [--top 5]

For every page in SITE_DIR/sitemap.xml: its height in screens at 1440x900 and at 390x844, and the number of
code blocks (`pre > code`) wider than their box at 1440 px. Prints the longest pages and the totals.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1440, 900), "mobile": (390, 844)}


def _pages(site: Path) -> list[str]:
    tree = ET.parse(site / "sitemap.xml")
    return [urlsplit(loc.text or "").path.lstrip("/")
            for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def _relative_paths(site: Path, pages: list[str]) -> list[str]:
    # sitemap paths carry site_url's path prefix (e.g. /massgen-backend-guide/): keep what exists under site/.
    out = []
    for path in pages:
        parts = path.split("/")
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if (site / candidate / "index.html").is_file() or (candidate == "" and (site / "index.html").is_file()):
                out.append(candidate)
                break
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = _relative_paths(args.site, _pages(args.site))
    screens: dict[str, dict[str, float]] = {}
    overflowing = 0
    blocks = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname
                          == "127.0.0.1" else route.abort())
            tab = context.new_page()
            for path in pages:
                tab.goto(base + path, wait_until="load")
                tab.wait_for_timeout(50)
                screens.setdefault(path, {})[name] = tab.evaluate(
                    f"document.documentElement.scrollHeight / {height}")
                if name == "desktop":
                    wide, count = tab.evaluate(
                        "() => { const codes = [...document.querySelectorAll('article pre > code')];"
                        " return [codes.filter(c => c.scrollWidth > c.clientWidth + 1).length, codes.length]; }")
                    overflowing += wide
                    blocks += count
            context.close()
        browser.close()
    server.shutdown()
    ranked = sorted(screens.items(), key=lambda item: -item[1]["desktop"])
    for path, values in ranked[: args.top]:
        print(f"{path or '(home)':<40} {values['desktop']:5.1f} desktop screens, {values['mobile']:5.1f} mobile")
    print(f"code blocks wider than their box at 1440 px: {overflowing} of {blocks}")


if __name__ == "__main__":
    main()
