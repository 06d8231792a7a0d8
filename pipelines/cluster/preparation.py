"""The store made ready once, before any replica starts: schema, demo data when empty, the shared cookie secret."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from pipelines import migrations, warehouse

COOKIE_SECRET = "streamlit_cookie_secret"  # app_secrets row: Streamlit's server.cookieSecret of every replica


def is_empty(url: str) -> bool:
    """No village registry and no account: the store `./pantau start` would fill with the demo."""
    con = migrations.connect(url)  # creates or migrates the schema (under an advisory lock)
    try:
        return not any(warehouse.execute_sql(con, f"SELECT count(*) FROM {t}")[0][0] for t in ("villages", "users"))
    finally:
        con.close()


def fill_demo(url: str, progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Build the demo warehouse into the empty store (pipelines.demo's one build, copied and counted)."""
    from pipelines.demo import build  # only an empty store needs the generator
    from pipelines.ingest import readers
    try:
        return build.build_postgres(url, progress=progress)
    finally:
        readers.shutdown()  # the build's reading pool would otherwise live as long as the cluster


def cookie_secret(url: str) -> str:
    """Streamlit's cookie secret for every replica: made once, kept in app_secrets, never printed."""
    con = warehouse.connect(url)
    try:
        found = warehouse.rows(con, "app_secret", key=COOKIE_SECRET)
        if not found:
            with warehouse.transaction(con) as cur:  # ON CONFLICT DO NOTHING: two starters keep one secret
                warehouse.execute(cur, "app_secret_insert", key=COOKIE_SECRET, value=secrets.token_hex(32))
            found = warehouse.rows(con, "app_secret", key=COOKIE_SECRET)
        return found[0][0]
    finally:
        con.close()
