"""Take a screenshot of a page of a running OrgLife as a given demo account.

    .venv/bin/python scripts/screenshot.py --login secretary --path / --width 375 --out docs/x.png

Uses Debian's Chromium through Playwright (no browser download).
"""
import argparse

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--login", default="secretary")
    parser.add_argument("--password", default="orglife-demo")
    parser.add_argument("--path", default="/")
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--out", required=True)
    opts = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": opts.width, "height": opts.height},
                                locale=opts.lang, device_scale_factor=2 if opts.width < 500 else 1)
        page.goto(opts.base + "/login")
        if opts.login:
            page.fill("#login", opts.login)
            page.fill("#password", opts.password)
            page.click("button[type=submit].primary")
        page.goto(opts.base + opts.path)
        page.screenshot(path=opts.out, full_page=opts.full_page)
        browser.close()


if __name__ == "__main__":
    main()
