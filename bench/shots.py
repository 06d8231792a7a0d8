"""Screenshots of every page as a user sees it: per account, width and language (not part of the tests).

    python bench/shots.py --db /tmp/polish2/pantau.duckdb --out /tmp/polish2/shots
        [--users admin,kemnaker,koord.ponorogo] [--widths 1400,1920] [--langs id,en] [--only pilar,desa]

Serves the app on the given warehouse (PANTAU_TODAY=2026-12-01 unless set), signs in with the demo
password through the form, then opens each page by its address (the sign-in cookie carries over),
waits for charts and maps, and saves a full-page PNG named user-page-width-lang.png. Extra views
that need an area (Wilayah at village level, Desa of one village) are added as their own entries.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM, FLAGS, streamlit_server  # noqa: E402

PASSWORD = "desmigratif-demo"
# The script run has finished (Streamlit marks its state on the page) and nothing is still loading.
DONE = """(() => { const e = document.querySelector('[data-test-script-state]');
    return e && !['initial', 'running'].includes(e.getAttribute('data-test-script-state'))
        && !document.querySelector('[data-testid="stSkeleton"]'); })()"""
HEIGHT = """Math.max(...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
    .map(e => e.scrollHeight), 1000)"""
# name -> address (query string included); pages a role may not open say so, which is also worth a look.
VIEWS = {
    "ringkasan": "/", "pilar": "/pilar", "peta": "/peta", "wilayah": "/wilayah",
    "wilayah-desa": "/wilayah?area=35.02.20.2001", "desa": "/desa?area=35.02.20.2001",
    "kelengkapan": "/kelengkapan", "unggah": "/unggah", "riwayat": "/riwayat", "tinjau": "/tinjau",
    "mutu": "/mutu", "survei": "/survei", "kohort": "/kohort", "paparan": "/paparan", "gudang": "/gudang",
    "pengguna": "/pengguna",
    "pilar-koperasi": "/pilar#tab=3", "desa-remitansi": "/desa?area=35.02.20.2001#tab=2",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--users", default="admin,kemnaker,koord.ponorogo")
    ap.add_argument("--widths", default="1400,1920")
    ap.add_argument("--langs", default="id,en")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = [v for v in args.only.split(",") if v]
    views = {k: v for k, v in VIEWS.items() if not only or k in only}
    from playwright.sync_api import sync_playwright
    env = {"PANTAU_TODAY": os.environ.get("PANTAU_TODAY", "2026-12-01")}
    with streamlit_server(Path(args.db), **env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for user in args.users.split(","):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(url + "/")
            page.get_by_label("Nama pengguna").fill(user)
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.get_by_test_id("stSidebar").get_by_role("link").first.wait_for(timeout=60_000)
            page.wait_for_timeout(2500)  # the cookie frame posts its ticket
            for width in (int(w) for w in args.widths.split(",")):
                page.set_viewport_size({"width": width, "height": 1000})
                for lang in args.langs.split(","):
                    for name, path in views.items():
                        path, _, tab = path.partition("#tab=")  # '#tab=N': open the page's N-th tab (0 first)
                        sep = "&" if "?" in path else "?"
                        target = url + path + (f"{sep}lang=en" if lang == "en" else "")
                        page.goto(target)
                        try:
                            page.get_by_test_id("stSidebar").get_by_role("link").first.wait_for(timeout=60_000)
                            page.locator("h1").first.wait_for(timeout=60_000)
                            page.wait_for_timeout(500)
                            page.wait_for_function(DONE, timeout=180_000)
                        except Exception as exc:  # a slow page still gets its picture
                            print(f"{user} {name} {width} {lang}: {exc.__class__.__name__}", flush=True)
                        if tab:
                            page.get_by_role("tab").nth(int(tab)).click()
                            page.wait_for_function(DONE, timeout=180_000)
                        page.wait_for_timeout(1500)
                        errors = page.locator("[data-testid='stException']").count()
                        shot = out / f"{user}-{name}-{width}-{lang}.png"
                        # Streamlit scrolls inside its main block: grow the window to the content, then shoot.
                        shown = 0
                        for _ in range(4):  # until the height settles (maps and charts still growing)
                            height = min(int(page.evaluate(HEIGHT)) + 40, 14000)
                            if height <= shown:
                                break
                            shown = height
                            page.set_viewport_size({"width": width, "height": height})
                            page.wait_for_timeout(1000)
                        page.screenshot(path=str(shot), full_page=True)
                        page.set_viewport_size({"width": width, "height": 1000})
                        print(shot.name, "ERROR" if errors else "", flush=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
