"""The village-month facts table the write path keeps, so figures never pivot raw submissions per request."""
from __future__ import annotations

import re

from pipelines import catalogue, warehouse

TABLE = "village_month_facts"
_CODE = re.compile(r"^[A-Z][0-9]{2}$")  # catalogue codes become column names: nothing else may


def codes() -> list[str]:
    out = list(catalogue.indicators())
    bad = [c for c in out if not _CODE.match(c)]
    if bad:
        raise ValueError(f"indicator codes unfit for column names: {bad}")
    return out


def columns() -> list[str]:
    """The table's columns, in order: keys, reported, report_date, flows, one per indicator."""
    return ["village_code", "period", "reported", "report_date", *catalogue.FLOWS, *codes()]


def _sql(name: str, keys: str) -> str:
    indicators = ",\n           ".join(
        f"CAST(first(v.value) FILTER (WHERE v.indicator_code = '{c}' AND v.value IS NOT NULL) AS DOUBLE) AS \"{c}\""
        for c in codes())
    picked = ", ".join(f'x."{c}"' for c in codes())
    return (warehouse.sql_text(name).replace("{keys}", keys).replace("{indicators}", indicators)
            .replace("{indicator_columns}", picked))


def _insert() -> str:
    return f"INSERT INTO {TABLE} (" + ", ".join(f'"{c}"' for c in columns()) + ") "


def _create(cur) -> None:
    types = {"village_code": "VARCHAR", "period": "DATE", "reported": "BOOLEAN", "report_date": "DATE"}
    cols = ", ".join(f'"{c}" {types.get(c, "DOUBLE")}' for c in columns())
    warehouse.execute_sql(cur, f"CREATE TABLE {TABLE} ({cols})")


def refresh(cur, keys: str = "staged_submissions", replacing: bool = True) -> None:
    """Recompute the facts of the village-months in `keys` (run inside the write transaction, after the
    current-version tables were refreshed). replacing=False: none of them has facts yet (first versions)."""
    if replacing:
        warehouse.execute_sql(cur, _sql("village_month_facts_delete", keys))
    warehouse.execute_sql(cur, _insert() + _sql("village_month_facts", keys))


def rebuild(cur) -> None:
    """Recompute every village-month (migration, repair, hand-made fixtures); inside a transaction."""
    warehouse.execute_sql(cur, f"DELETE FROM {TABLE}")
    warehouse.execute_sql(cur, _insert() + _sql("village_month_facts", "submissions"))


def present(con) -> bool:
    return _present(con) is not None


def _present(con) -> list[str] | None:
    cur = con.cursor()
    try:
        rows = warehouse.execute_sql(cur, "SELECT column_name FROM information_schema.columns WHERE table_name = $table "
                                     "AND table_schema = current_schema() ORDER BY ordinal_position", table=TABLE)
    finally:
        cur.close()
    return [r[0] for r in rows] or None


def ensure(con) -> None:
    """Create (or, when the catalogue's indicators changed, recreate) and fill the table when needed."""
    if _present(con) == columns():
        return
    with warehouse.transaction(con) as cur:
        warehouse.execute_sql(cur, f"DROP TABLE IF EXISTS {TABLE}")
        _create(cur)
        rebuild(cur)
