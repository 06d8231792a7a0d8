"""The PostgreSQL store: a connection with the surface the project uses, running DuckDB-dialect SQL via sqlglot."""
from __future__ import annotations

import logging
import re
import threading
import time
from functools import lru_cache

import polars as pl
import psycopg
import sqlglot
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

CONNECT_TIMEOUT = 10  # seconds: nothing waits without a limit
STATEMENT_TIMEOUT_MS = 300_000

# PostgreSQL type oid -> the polars dtype DuckDB gives for the same column, so frames compare equal.
_DTYPES = {16: pl.Boolean, 20: pl.Int64, 21: pl.Int16, 23: pl.Int32, 25: pl.String, 1043: pl.String,
           700: pl.Float32, 701: pl.Float64, 1700: pl.Float64, 1082: pl.Date, 1114: pl.Datetime("us"),
           17: pl.Binary, 1009: pl.List(pl.String), 1015: pl.List(pl.String), 114: pl.String, 19: pl.String,
           18: pl.String, 1042: pl.String, 26: pl.Int64, 3802: pl.String}
# polars dtype of a staged frame -> PostgreSQL column type
_PG_TYPES = {pl.Boolean: "BOOLEAN", pl.Int8: "SMALLINT", pl.Int16: "SMALLINT", pl.Int32: "INTEGER",
             pl.Int64: "BIGINT", pl.UInt8: "SMALLINT", pl.UInt16: "INTEGER", pl.UInt32: "BIGINT",
             pl.UInt64: "BIGINT", pl.Float32: "REAL", pl.Float64: "DOUBLE PRECISION", pl.String: "TEXT",
             pl.Date: "DATE", pl.Binary: "BYTEA", pl.Null: "TEXT"}
# Type oids whose psycopg values polars takes as they are (not numeric's Decimal, json's dict, unknown types).
_AS_IS = frozenset(_DTYPES) - {1700, 114, 3802}
_PLACEHOLDER = re.compile(r"%(?!\(\w+\)s|s\b)")  # a literal % (LIKE '35%') once placeholders are in

# Every committed write announces itself on this channel (payload: the schema written), so every
# app process (replica) sees writes of the others without polling: see Listener.
CHANNEL = "pantau_changes"
# Only when the transaction really wrote (a transaction id is assigned at its first change): an UPDATE
# that matched no rows, or a lock taken and released, tells nobody.
_NOTIFY = (f"SELECT pg_notify('{CHANNEL}', current_schema()) "
           "WHERE pg_current_xact_id_if_assigned() IS NOT NULL")
# Statements that change nothing stored: run outside a transaction, any other statement is a write
# and gets a transaction of its own with its notice.
_READS = {"SELECT", "SHOW", "SET", "RESET", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "EXPLAIN",
          "VALUES", "TABLE", "LISTEN", "UNLISTEN", "NOTIFY", "CHECKPOINT", "VACUUM", "ANALYZE", "DISCARD"}
# How the listening connection notices a dead server or network (seconds; libpq parameters).
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3,
              "tcp_user_timeout": 20_000}
log = logging.getLogger(__name__)


class Relation:
    """The rows of one statement: fetchall/fetchone, or a polars frame with DuckDB's dtypes."""

    def __init__(self, description, rows: list[tuple]):
        self.description = description
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return list(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def pl(self) -> pl.DataFrame:
        return frame(self.description, self._rows)


def frame(description, rows: list[tuple]) -> pl.DataFrame:
    """Rows as a polars frame with the dtypes DuckDB gives for the same columns."""
    if not description:
        return pl.DataFrame()
    schema = {}
    for col in description:
        dtype = _DTYPES.get(col.type_code, pl.String)
        schema[col.name] = dtype
    if rows and all(col.type_code in _AS_IS for col in description):
        # psycopg's values are already what polars stores: polars reads the rows itself, about 3x faster
        # than column lists built here (a page model rebuilt after a write reads 100,000s of rows)
        return pl.DataFrame(rows, schema=schema, orient="row")
    cols = list(zip(*rows)) if rows else [[] for _ in schema]
    data = {}
    for (name, dtype), values in zip(schema.items(), cols):
        if dtype == pl.Float64:
            values = [None if v is None else float(v) for v in values]
        elif dtype == pl.String:
            values = [None if v is None else str(v) for v in values]
        data[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(data)


class Pool:
    """Idle psycopg connections of one database, reused by cursors (a connection costs ~5 ms to open)."""

    def __init__(self, url: str):
        self.url = url
        self.idle: list[psycopg.Connection] = []
        self.lock = threading.Lock()

    def take(self) -> psycopg.Connection:
        with self.lock:
            while self.idle:
                raw = self.idle.pop()
                if not raw.closed:
                    return raw
        raw = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        raw.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")  # not in options: the URL may carry its own
        return raw

    def give(self, raw: psycopg.Connection) -> None:
        if raw.closed:
            return
        if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            raw.rollback()
        with self.lock:
            if len(self.idle) < 8:
                self.idle.append(raw)
                return
        raw.close()

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for raw in idle:
            raw.close()


class Connection:
    """A PostgreSQL connection behaving like the DuckDB connection the project uses:
    cursor() gives an independent connection (its own transaction), execute/sql run DuckDB-dialect SQL."""

    engine = "postgres"

    def __init__(self, url: str, pool: Pool | None = None):
        self.url = url
        self._own_pool = pool is None
        self.pool = pool or Pool(url)
        self.raw = self.pool.take()
        self._last: Relation | None = None
        self.staged: set[str] = set()

    # -- DuckDB-like surface -------------------------------------------------------------
    def cursor(self) -> Connection:
        return Connection(self.url, self.pool)

    def execute(self, sql: str, params=None) -> Connection:
        self._last = self.run(sql, params)
        return self

    def sql(self, sql: str, params=None) -> Relation:
        return self.run(sql, params)

    def fetchall(self) -> list[tuple]:
        return self._last.fetchall() if self._last else []

    def fetchone(self):
        return self._last.fetchone() if self._last else None

    def pl(self) -> pl.DataFrame:
        return self._last.pl() if self._last else pl.DataFrame()

    def close(self) -> None:
        if self.raw is not None:
            self.pool.give(self.raw)
            self.raw = None
        if self._own_pool:
            self.pool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- running SQL ---------------------------------------------------------------------
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def read(self, sql: str, params=None) -> Relation:
        """A read: inside this connection's open transaction (its locks and its writes), else on a pooled
        connection, so that the app's threads read in parallel rather than queue on one connection."""
        if self.in_transaction():
            return self.run(sql, params)
        cur = self.cursor()
        try:
            return cur.run(sql, params)
        finally:
            cur.close()

    def run(self, sql: str, params=None) -> Relation:
        """Run DuckDB-dialect SQL (one or more statements) with $name or ? parameters; the last statement's rows."""
        if isinstance(params, (list, tuple)) and not params:
            params = None
        result = Relation(None, [])
        statements = to_postgres(sql, _schema(self.url, self.raw) if _needs_schema(sql) else ())
        for text in statements:
            result = self._announced(text, params)
        return result

    def _announced(self, text: str, params) -> Relation:
        """One statement; a committed write also sends pg_notify on CHANNEL inside its transaction
        (PostgreSQL delivers it at COMMIT, and never for a rollback)."""
        verb = _verb(text)
        if not self.in_transaction():
            if verb in _READS:
                return self._one(text, params)
            # a write outside any transaction: made one, so that the data and its notice commit together
            self.raw.execute("BEGIN")
            try:
                result = self._one(text, params)
                self.raw.execute(_NOTIFY)
                self.raw.execute("COMMIT")
            except BaseException:
                self.raw.rollback()
                raise
            return result
        if verb in ("COMMIT", "END") and self.raw.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            self.raw.execute(_NOTIFY)  # sent only if the transaction changed something (see _NOTIFY)
        return self._one(text, params)

    def _one(self, text: str, params) -> Relation:
        if params is not None:
            text = _PLACEHOLDER.sub("%%", text)
            if isinstance(params, dict):
                params = {k: _param(v) for k, v in params.items()}
            else:
                params = [_param(v) for v in params]
        # Bound on the client: a NULL or a list parameter then takes its type from where it stands, as in DuckDB
        # (server-side binding refuses `$event IS NULL` with "could not determine data type").
        with psycopg.ClientCursor(self.raw) as cur:
            cur.execute(text, params)
            if cur.description is None:
                return Relation(None, [])
            return Relation(cur.description, cur.fetchall())

    def run_native(self, sql: str) -> None:
        """Run PostgreSQL SQL as it is (the compatibility functions, the schema), announced like any write."""
        if self.in_transaction():  # announced by its COMMIT
            self.raw.execute(sql)
            return
        with self.raw.transaction():
            self.raw.execute(sql)
            self.raw.execute(_NOTIFY)

    def stage(self, name: str, data: pl.DataFrame) -> None:
        """A temporary table `name` holding the frame (dropped at commit), for one bulk INSERT ... SELECT."""
        cols = ", ".join(f'"{c}" {_pg_type(t)}' for c, t in data.schema.items())
        with self.raw.cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS pg_temp."{name}"')
            cur.execute(f'CREATE TEMP TABLE "{name}" ({cols}) ON COMMIT DROP')
            names = ", ".join(f'"{c}"' for c in data.columns)
            with cur.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                for row in data.iter_rows():
                    copy.write_row(row)


@lru_cache(maxsize=1024)
def _verb(text: str) -> str:
    """The statement's first keyword, upper case."""
    words = text.lstrip(" (\n\t").split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


def _param(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def _pg_type(dtype) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    if isinstance(dtype, pl.List):
        return _pg_type(dtype.inner) + "[]"
    return _PG_TYPES.get(dtype.base_type() if hasattr(dtype, "base_type") else dtype, "TEXT")


_SCHEMAS: dict[str, tuple] = {}


def _schema(url: str, raw) -> tuple:
    """The tables and their columns (for expanding `* EXCLUDE`), read once per database and process."""
    if url not in _SCHEMAS:
        with raw.cursor() as cur:
            cur.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
            found: dict[str, list] = {}
            for table, column, kind in cur.fetchall():
                found.setdefault(table, []).append((column, kind))
        _SCHEMAS[url] = tuple((t, tuple(c)) for t, c in sorted(found.items()))
    return _SCHEMAS[url]


def forget_schema(url: str) -> None:
    """After a migration: tables and columns may have changed."""
    _SCHEMAS.pop(url, None)


@lru_cache(maxsize=1024)
def _needs_schema(sql: str) -> bool:
    return "EXCLUDE" in sql.upper()


@lru_cache(maxsize=1024)
def to_postgres(sql: str, schema: tuple = ()) -> tuple[str, ...]:
    """DuckDB-dialect SQL as PostgreSQL statements, transpiled once by sqlglot (the one SQL source stays DuckDB's)."""
    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        if any(star.args.get("except_") or star.args.get("except") for star in tree.find_all(sqlglot.exp.Star)):
            # PostgreSQL has no `* EXCLUDE (...)`: spell the columns out from the live schema.
            # Column names keep their case (the facts table's "L01"), so every identifier is quoted.
            mapping = MappingSchema({t: {c: k for c, k in cols} for t, cols in schema}, dialect="postgres",
                                    normalize=False)
            tree = qualify(tree, schema=mapping, dialect="duckdb", expand_stars=True, validate_qualify_columns=False,
                           quote_identifiers=True, identify=True)
        text = tree.sql(dialect="postgres")
        text = re.sub(r"\browid\b", "ctid", text, flags=re.IGNORECASE)  # append-only tables: ctid is insertion order
        out.append(text)
    return tuple(out)


# -- hearing the other processes' writes ------------------------------------------------------
LISTEN_WAIT = 2.0     # seconds one wait for notifications lasts (then the stop flag is looked at)
RETRY_FIRST = 0.2     # seconds before the first reconnection attempt, doubled up to RETRY_MAX
RETRY_MAX = 5.0


class Listener:
    """One dedicated connection per database that LISTENs on CHANNEL in a daemon thread and counts
    what it hears. NOTIFY reaches every session of the database, whatever its schema."""

    def __init__(self, url: str):
        self.url = url
        self.heard = 0          # notifications received, plus one per (re)connection
        self.connected = False  # LISTEN is in force: nothing committed is missed
        self.pid: int | None = None  # the listening backend (tests end it to prove the reconnection)
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pantau-listen", daemon=True)

    def state(self) -> tuple[int, int]:
        """(changes heard, 0) while listening; while not, (changes heard, the monotonic second): then
        readers re-check once a second, so a lost listener never means stale data forever."""
        return (self.heard, 0) if self.connected else (self.heard, int(time.monotonic()) + 1)

    def stop(self, timeout: float = LISTEN_WAIT + CONNECT_TIMEOUT) -> None:
        self._stop.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        failures = 0  # connection attempts in a row that never got to LISTEN
        while not self._stop.is_set():
            connections = self.connections
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 - the server restarted, the network dropped: listen again
                log.warning("LISTEN %s: %s; reconnecting", CHANNEL, exc)
            finally:
                self.connected = False
            failures = 0 if self.connections != connections else failures + 1
            if self._stop.wait(min(RETRY_FIRST * 2 ** failures, RETRY_MAX)):
                break

    def _listen(self) -> None:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **KEEPALIVES) as raw:
            raw.execute(f"LISTEN {CHANNEL}")
            self.pid = raw.info.backend_pid
            self.connections += 1
            self.heard += 1  # what was committed while nobody listened is unknown: re-read once
            self.connected = True
            while not self._stop.is_set():
                for _ in raw.notifies(timeout=LISTEN_WAIT, stop_after=1000):
                    self.heard += 1


_LISTENERS: dict[str, Listener] = {}
_LISTENERS_LOCK = threading.Lock()  # guards starting one thread per database, nothing stored


def database_of(url: str) -> str:
    """The database a URL names (host, port, name, user), without its options (the search_path of a schema)."""
    params = conninfo_to_dict(url)
    params.pop("options", None)
    return make_conninfo(**params)


def listener(url: str) -> Listener:
    """This process's listener for the URL's database, started on first use."""
    key = database_of(url)
    found = _LISTENERS.get(key)
    if found is None:
        with _LISTENERS_LOCK:
            found = _LISTENERS.get(key)
            if found is None:
                found = _LISTENERS[key] = Listener(url)
                found.thread.start()
    return found


def changes(url: str) -> tuple[int, int]:
    """Moves on when any process commits a write to the URL's database (see Listener.state)."""
    return listener(url).state()


def stop_listeners() -> None:
    """End every listener of this process (tests)."""
    with _LISTENERS_LOCK:
        found = list(_LISTENERS.values())
        _LISTENERS.clear()
    for one in found:
        one.stop()
