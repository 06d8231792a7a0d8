"""Pantau Desmigratif: sets up the page, makes sure a warehouse exists, signs people in, and routes."""
from pathlib import Path

import pandas  # noqa: F401 - imported before any page: concurrent first imports can see a half-made module
import streamlit as st

from ui import auth
from ui.i18n import KEY, LANGS, lang, t
from pipelines import settings
from pipelines.warehouse import WarehouseBusy
from ui.state import connection, ensure_warehouse, startup_problem

HERE = Path(__file__).resolve().parent
# Pages live in sub-folders of pages/ (one per navigation section): Streamlit's old automatic
# pages/*.py discovery would otherwise take over a fresh server process before this script runs.
# Every page, explicitly: file -> (title label, icon, URL path). Who sees which is ui.auth.pages_for.
PAGES = {
    "pages/dashboard/ringkasan.py": ("page_overview", ":material/dashboard:", "ringkasan"),
    "pages/dashboard/pilar.py": ("page_pillars", ":material/account_balance:", "pilar"),
    "pages/dashboard/peta.py": ("page_map", ":material/map:", "peta"),
    "pages/dashboard/wilayah.py": ("page_areas", ":material/account_tree:", "wilayah"),
    "pages/dashboard/desa.py": ("page_village", ":material/home_work:", "desa"),
    "pages/reporting/kelengkapan.py": ("page_completeness", ":material/fact_check:", "kelengkapan"),
    "pages/laporan/unggah.py": ("page_upload", ":material/upload_file:", "unggah"),
    "pages/laporan/riwayat.py": ("page_history", ":material/history:", "riwayat"),
    "pages/presentasi/paket.py": ("page_briefing", ":material/slideshow:", "paparan"),
    "pages/data/gudang.py": ("page_warehouse", ":material/database:", "gudang"),
    "pages/akun/masuk.py": ("page_login", ":material/login:", "masuk"),
    "pages/akun/pengguna.py": ("page_users", ":material/manage_accounts:", "pengguna"),
}

st.set_page_config(page_title="Pantau Desmigratif", page_icon=":material/home_work:", layout="wide")
ensure_warehouse()
try:
    con = connection()
except WarehouseBusy:  # a second app process on a warehouse another process holds: a page, not a traceback
    st.title(t("busy_title"))
    st.error(t("busy_body").format(db=settings.db_path()), icon=":material/lock:")
    st.stop()
problem = startup_problem(con)
if problem:
    st.error(problem, icon=":material/block:")
    st.stop()
user = auth.current_user()

with st.sidebar:
    lang()  # settles the initial language before the widget reads it
    st.markdown(f"**{t('app_title')}**  \n{t('app_subtitle')}")
    st.radio(t("language"), list(LANGS), format_func=LANGS.get, horizontal=True, key=KEY)
    auth.account_box()
    auth.cookie_frame()


def page(path: str, default: bool = False) -> st.Page:
    title, icon, url = PAGES[path]
    return st.Page(HERE / path, title=t(title), icon=icon, url_path=url, default=default)


if user is None:
    # Every address answers with the sign-in form, so a shared link (/wilayah?area=35.04) opens its
    # page right after signing in instead of "page not found".
    login = "pages/akun/masuk.py"
    st.navigation([page(login, default=True)] + [
        st.Page(auth.login_page, title=t(title), url_path=url)
        for path, (title, _, url) in PAGES.items() if path != login], position="hidden").run()
else:
    sections = auth.pages_for(user)
    first = next(iter(sections.values()))[0]
    nav = {t(section): [page(p, default=p == first) for p in paths] for section, paths in sections.items()}
    allowed = {p for paths in sections.values() for p in paths}
    # Pages this role may not open still answer their address, saying so (hidden from the menu).
    last = list(nav)[-1]
    nav[last] += [st.Page(auth.forbidden_page(title), title=t(title), url_path=url, visibility="hidden")
                  for path, (title, _, url) in PAGES.items() if path not in allowed and path != "pages/akun/masuk.py"]
    st.navigation(nav).run()
