"""The Tinjau (review) page model, the returned-month notices of Unggah/Riwayat, and Kelengkapan's state grid."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from pipelines import formatting, settings, warehouse
from pipelines.accounts import roles
from pipelines.labels import plural_key, text
from pipelines.metrics import calendar
from pipelines.review import lock, states, transitions
from pipelines.views import table_text
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection
# Streamlit material icons (emoji need a colour font that servers and headless browsers often lack).
STATE_ICONS = {"diterima": ":material/inbox:", "diajukan": ":material/hourglass_top:",
               "disetujui": ":material/lock:", "dikembalikan": ":material/undo:"}


def districts(con: Con, user: roles.User | None) -> pl.DataFrame:
    """The districts the user may submit or review: district_code, district, province."""
    frame = warehouse.query(con, "review_districts")
    if user is None:
        return frame.clear()
    keep = [roles.can_submit(user, d) or roles.can_review(user, d) for d in frame["district_code"].to_list()]
    return frame.filter(pl.Series(keep, dtype=pl.Boolean))


def months(today: date | None = None, count: int = 24) -> list[date]:
    """The months that can be reviewed, newest first: the last complete month and earlier."""
    last = calendar.latest_reportable_month(today or settings.today())
    return [calendar.add_months(last, -i) for i in range(count)]


@dataclass
class Review:
    """One district-month as the Tinjau page shows it."""
    district: str
    district_name: str
    period: date
    state: states.State
    villages: pl.DataFrame          # village_code, village_name, subdistrict, reported, officer (only when the
                                    # user may see officer names: roles.may_see_officers), reported_on, version
    missing_reasons: dict[str, str]  # from the latest submission
    events: pl.DataFrame             # action, state, username, acted_at, reason, open_findings
    open_findings: list[str]
    actions: list[str]               # what this user may do now
    lock_message: str | None
    waiting_elsewhere: list[tuple[str, str, date]] = field(default_factory=list)

    @property
    def officers_hidden(self) -> bool:
        """The user may not see the officer names of this district (roles.may_see_officers)."""
        return "officer" not in self.villages.columns


def district_month(con: Con, user: roles.User | None, district: str, period: date, today: date | None = None) -> Review:
    """State, villages, history and the actions the user may take on a district-month.

    Only for a district the user may submit or review (roles.scope); PermissionError otherwise."""
    from pipelines.review import quality
    if not (roles.can_submit(user, district) or roles.can_review(user, district)):
        raise PermissionError(f"{district} di luar wilayah akun ini")
    today = today or settings.today()
    name = warehouse.query(con, "review_districts").filter(district_code=district)["district"]
    current = states.state_of(con, district, period)
    events = warehouse.query(con, "review_events", district=district, period=period)
    events = events.with_columns(open_findings=table_text.written(
        events, "detail", lambda d: len(json.loads(d).get("open_findings", [])), pl.Int64)).drop("detail")
    locked = lock.is_locked(con, district, period, today)
    actions = []
    for action in transitions.ACTIONS:
        allowed = roles.can_submit(user, district) if action == "submit" else roles.can_review(user, district)
        needs = transitions.NEEDS[action]
        if allowed and (current.state in needs or (action == "unlock" and locked and current.state not in
                                                   lock.UNDER_REVIEW)):
            actions.append(action)
    villages = warehouse.query(con, "review_district_month", district=district, period=period)
    if not roles.may_see_officers(user, district):
        villages = villages.drop("officer")
    return Review(district, name[0] if len(name) else district, period, current, villages,
                  dict(warehouse.query(con, "review_missing", district=district, period=period)
                       .select("village_code", "reason").iter_rows()),
                  events, quality.open_findings(con, district, period), actions, locked,
                  transitions.waiting(con, user))


@dataclass
class Tinjau:
    """What the Tinjau page shows: the user's districts, what waits, the picked district-month and its tables."""
    districts: dict[str, str]                 # code -> name, the districts the user may submit or review
    months: list[date]                        # the months that can be reviewed, newest first
    waiting: str | None = None                # 'n district-months wait: ...' for a reviewer, escaped
    district: str | None = None               # the district-month shown
    month: date | None = None
    review: Review | None = None
    state_label: str = ""
    villages: pl.DataFrame | None = None      # village_rows with headers in lang
    events: pl.DataFrame | None = None        # event_rows with headers in lang
    reported: int = 0                         # villages of the district-month that reported


def model(con: Con, sel: Selection, lang: str = "id", *, district: str | None = None, month: date | None = None,
          today: date | None = None) -> Tinjau:
    """The Tinjau page for the user's picks; a pick outside the user's districts or months falls back to the
    first district-month waiting for them, else the first district and the newest month."""
    user = sel.user
    frame = districts(con, user)
    names = dict(zip(frame["district_code"].to_list(), frame["district"].to_list()))
    choices = months(today)
    out = Tinjau(names, choices)
    if not names:
        return out
    waiting = transitions.waiting(con, user)
    if waiting:
        out.waiting = text(plural_key("rv_waiting", len(waiting), lang), lang, n=len(waiting), items="; ".join(
            f"{formatting.plain(n)} {formatting.month(p, lang)}" for _, n, p in waiting))
    first = waiting[0] if waiting and waiting[0][0] in names else None
    out.district = district if district in names else (first[0] if first else next(iter(names)))
    out.month = month if month in choices else (first[2] if first and first[2] in choices else choices[0])
    m = out.review = district_month(con, user, out.district, out.month, today)
    out.state_label = text(f"rv_state_{m.state.state}", lang)
    out.reported = int(m.villages["reported"].sum()) if m.villages.height else 0
    out.villages = village_rows(m.villages, m.missing_reasons, lang, text("rv_yes", lang), text("rv_no", lang)
                                ).rename(lambda c: text(f"rv_col_{c}", lang))
    out.events = event_rows(m.events, lang, {a: text(f"rv_action_{a}", lang) for a in transitions.ACTIONS},
                            {s: text(f"rv_state_{s}", lang) for s in STATE_ICONS}).rename(
        lambda c: text(f"rv_col_{c}", lang))
    return out


def village_rows(villages: pl.DataFrame, missing_reasons: dict[str, str], lang: str, yes: str,
                 no: str) -> pl.DataFrame:
    """The villages of a Review for reading: reported as yes/no, dates in words, '–' for none, the missing reason."""
    officer = [pl.col("officer").fill_null(formatting.MISSING)] if "officer" in villages.columns else []
    return villages.select(
        "village_code", "village_name", "subdistrict",
        pl.col("reported").replace_strict({True: yes, False: no}), *officer,
        table_text.written(villages, "reported_on", lambda d: formatting.day(d, lang)).fill_null(formatting.MISSING),
        pl.col("version").cast(pl.String).fill_null(formatting.MISSING),
        pl.col("village_code").replace_strict(missing_reasons, default="").alias("missing_reason"))


def event_rows(events: pl.DataFrame, lang: str, actions: dict[str, str], states_: dict[str, str]) -> pl.DataFrame:
    """The review history for reading: actions and states in words, times as the app writes them."""
    return events.with_columns(
        pl.col("action").replace_strict(actions), pl.col("state").replace_strict(states_),
        table_text.written(events, "acted_at", lambda at: transitions.at_text(at, lang)))


def returned_notices(con: Con, user: roles.User | None, lang: str, template: str) -> list[str]:
    """One line per month returned to the user's districts; template has {district} {month} {by} {at} {reason}."""
    # shown as markdown (st.warning): the reason is typed by a reviewer, so every markdown sign is escaped
    return [template.format(district=formatting.plain(r["district"]), month=formatting.month(r["period"], lang),
                            by=formatting.plain(r["changed_by"]), at=transitions.at_text(r["changed_at"], lang),
                            reason=formatting.plain(r["reason"]))
            for r in transitions.returned(con, user)]


def state_grid(con: Con, area: str, start: date, end: date, labels: dict[str, str], lang: str = "id") -> pl.DataFrame:
    """Districts of the area x months of the range ('Nov 2025' headers), each cell the state's label
    (diterima when no row)."""
    start, end = calendar.month_start(start), calendar.month_start(end)
    all_districts = warehouse.query(con, "review_districts")
    if area:
        all_districts = all_districts.filter(
            (pl.col("district_code") == area[:5]) if len(area) >= 5 else pl.col("district_code").str.starts_with(area + "."))
    rows = warehouse.query(con, "review_states_in", area=area, start=start, end=end)
    cells = dict(((d, p), s) for d, p, s in rows.select("district_code", "period", "state").iter_rows())
    out = {"district": all_districts["district"].to_list()}
    for m in calendar.months_between(start, end):
        out[formatting.short_month(m, lang, year=True)] = [
            labels[s] for s in
            (cells.get((d, m), states.RECEIVED) for d in all_districts["district_code"].to_list())]
    return pl.DataFrame(out, schema={k: pl.String for k in out})


def state_of_village_month(con: Con, village_code: str, period: date) -> states.State:
    """The review state of the district-month a village-month belongs to (for Riwayat)."""
    return states.state_of(con, village_code[:5], period)
