"""The Pengguna page model: accounts as read (role, districts, status) and the audit log, headers in the language."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.accounts import roles, users
from pipelines.labels import text
from pipelines.views.selection import Selection


@dataclass
class Pengguna:
    """What the Pengguna page shows: the accounts, the districts one may be given, the audit log (filtered)."""
    users: dict[str, dict]        # username -> its row (role, districts, active, ...), in the list's order
    users_shown: pl.DataFrame     # the accounts table, headers in lang
    districts: dict[str, str]     # district code -> '35.04 Kabupaten Tulungagung'
    roles: dict[str, str]         # role -> its label in lang
    events: dict[str | None, str]  # audit event (None: all) -> its label
    audit: pl.DataFrame           # the audit log, headers in lang


def event_label(event: str | None, lang: str) -> str:
    """An audit event in words ('all' for None); the event itself when the catalogue has no label."""
    if event is None:
        return text("au_all", lang)
    label = text(f"au_ev_{event}", lang)
    return event if label == f"au_ev_{event}" else label


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", *, audit_event: str | None = None,
          audit_user: str | None = None, audit_limit: int = 200) -> Pengguna:
    """The accounts and the audit log filtered by event, user and length (read fresh: every change shows at once)."""
    view = users.admin_view(con, audit_event, audit_user, audit_limit)
    role_names = {r: text(f"au_role_{r}", lang) for r in roles.ROLES}
    events = {e: event_label(e, lang) for e in (None, *view.events)}
    head = lambda key: text(f"au_col_{key}", lang)  # noqa: E731
    shown = view.users.select(
        pl.col("username").alias(head("username")),
        pl.col("full_name").alias(head("name")),
        pl.col("role").replace_strict(role_names, default=pl.col("role")).alias(head("role")),
        pl.col("districts").list.join(", ").alias(head("districts")),
        pl.col("active").alias(head("active")),
        pl.col("is_demo").alias(head("demo")),
        pl.col("failed_logins").alias(head("failed")),
        pl.col("locked_until").alias(head("locked")),
        pl.col("created_at").dt.truncate("1s").alias(head("created")),
        pl.col("password_changed_at").dt.truncate("1s").alias(head("password_changed")))
    audit = view.audit.select(
        pl.col("logged_at").dt.truncate("1s").alias(head("logged_at")),
        pl.col("username").alias(head("actor")),
        pl.col("event").replace_strict({e: events[e] for e in view.events}, default=pl.col("event")).alias(head("event")),
        pl.col("detail").alias(head("detail")))
    return Pengguna({r["username"]: r for r in view.users.iter_rows(named=True)}, shown,
                    {c: f"{c} {n}".strip() for c, n in zip(view.districts["code"].to_list(), view.districts["name"].to_list())},
                    role_names, events, audit)
