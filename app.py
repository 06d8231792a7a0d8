"""Pantau Desmigratif: sets up the page, makes sure a warehouse exists, signs people in, and routes."""
from pathlib import Path

import streamlit as st

from ui import warmup

warmup.wait_core()  # polars, duckdb, pyarrow: imported once by ui/serve.py's warm-up thread

from pipelines import settings  # noqa: E402
from pipelines.warehouse import WarehouseBusy  # noqa: E402
from ui import auth  # noqa: E402
from ui.i18n import KEY, LANGS, lang, t  # noqa: E402
from ui.state import connection, ensure_warehouse, startup_problem  # noqa: E402

HERE = Path(__file__).resolve().parent
# Pages live in sub-folders of pages/ (one per navigation section): Streamlit's old automatic
# pages/*.py discovery would otherwise take over a fresh server process before this script runs.
# Every page, its section, title, icon, URL path and who opens it: ui/pages.csv (ui.auth reads it).
PAGES = {p["file"]: (p["title_key"], p["icon"], p["url"]) for p in auth.pages()}

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
    nav = st.container(key="sidebar_nav")  # filled below, once the pages this user may open are known
    st.radio(t("language"), list(LANGS), format_func=LANGS.get, horizontal=True, key=KEY)
    auth.account_box()
    auth.cookie_frame()


def page(path: str, default: bool = False) -> st.Page:
    title, icon, url = PAGES[path]
    return st.Page(HERE / path, title=t(title), icon=icon, url_path=url, default=default)


if user is None:
    # Every address answers with the sign-in form, so a shared link (/wilayah?area=35.04) opens its
    # page right after signing in instead of "page not found".
    login = auth.LOGIN_PAGE
    st.navigation([page(login, default=True)] + [
        st.Page(auth.login_page, title=t(title), url_path=url)
        for path, (title, _, url) in PAGES.items() if path != login], position="hidden").run()
    warmup.later()  # the sign-in form is drawn: pandas and plotly may load now (ui/warmup.py)
else:
    warmup.wait()  # pages use pandas and plotly: never imported by two threads at once
    auth.review_notice(user)
    allowed = auth.pages_for(user)
    first = next(iter(allowed.values()))[0]
    sections = {t(section): [page(p, default=p == first) for p in paths] for section, paths in allowed.items()}
    may_open = {p for paths in allowed.values() for p in paths}
    # Pages this role may not open still answer their address, saying so (never in the menu).
    forbidden = [st.Page(auth.forbidden_page(title), title=t(title), url_path=url, visibility="hidden")
                 for path, (title, _, url) in PAGES.items() if path not in may_open and path != auth.LOGIN_PAGE]
    # Streamlit's own sectioned navigation puts <li> outside a <ul> (axe-core: list/listitem), so the
    # router is hidden and the sections are drawn here as headed groups of page links.
    routes = {**sections}
    last = list(routes)[-1]
    routes[last] = routes[last] + forbidden
    current = st.navigation(routes, position="hidden")
    from ui import filters  # needs plotly (pipelines.views.status): after warmup.wait()
    # Every sidebar choice travels with the links and stays in the URL on pages without filters
    # (a page link otherwise clears the query), so a reload or a copied address keeps them.
    choices = filters.link_params()
    filters.keep_in_url()
    with nav:
        for section, items in sections.items():
            st.caption(f"**{section}**")
            for item in items:
                st.page_link(item, label=item.title, icon=item.icon, query_params=choices)
    current.run()
    warmup.settle()  # a page's first visit loaded libraries: keep them out of every later collection
