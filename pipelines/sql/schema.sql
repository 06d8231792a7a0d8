-- Warehouse schema. Base tables keep every version of every submission; the public
-- names (indicator_values, placements, returns, remittances) are views over the current
-- version only, so a re-submission never deletes history.
CREATE SEQUENCE IF NOT EXISTS submission_seq START 1;

CREATE TABLE IF NOT EXISTS villages (
    village_code     VARCHAR PRIMARY KEY,   -- Kemendagri code with dots, 35.04.14.2011
    village_name     VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,      -- 35.04.14
    subdistrict      VARCHAR NOT NULL,
    district_code    VARCHAR NOT NULL,      -- 35.04
    district         VARCHAR NOT NULL,
    province_code    VARCHAR NOT NULL,      -- 35
    province         VARCHAR NOT NULL,
    joined_year      INTEGER NOT NULL,
    lat              DOUBLE,
    lon              DOUBLE,
    coords_exact     BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS submissions (
    submission_id BIGINT PRIMARY KEY,
    village_code  VARCHAR NOT NULL,
    period        DATE NOT NULL,            -- first day of the reported month
    version       INTEGER NOT NULL,
    is_current    BOOLEAN NOT NULL,
    status        VARCHAR NOT NULL,         -- accepted | accepted_with_warnings
    file_name     VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    uploaded_by   VARCHAR NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL,
    reported_on   DATE,                     -- tanggal_lapor, when given
    officer       VARCHAR NOT NULL,         -- nama_petugas
    warnings      VARCHAR NOT NULL,         -- JSON list of {sheet,row,column,value,message}
    data_version  BIGINT DEFAULT 0          -- the write that made it (data_versions); 0 = before version history
);

CREATE TABLE IF NOT EXISTS submission_values (
    submission_id  BIGINT NOT NULL,
    indicator_code VARCHAR NOT NULL,
    value          DOUBLE                   -- NULL = not reported; 0 = reported zero
);

CREATE TABLE IF NOT EXISTS submission_placements (
    submission_id BIGINT NOT NULL,
    country_iso2  VARCHAR NOT NULL,
    sector        VARCHAR NOT NULL,
    sex           VARCHAR NOT NULL,
    count         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS submission_returns (
    submission_id BIGINT NOT NULL,
    country_iso2  VARCHAR NOT NULL,
    sex           VARCHAR NOT NULL,
    count         INTEGER NOT NULL,
    with_problem  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS submission_remittances (
    submission_id BIGINT NOT NULL,
    country_iso2  VARCHAR NOT NULL,
    channel       VARCHAR NOT NULL,
    transactions  INTEGER NOT NULL,
    amount_idr    DOUBLE NOT NULL
);

-- Where each original workbook is kept: files/<pack> beside the warehouse, entry <sha256>.xlsx.
CREATE TABLE IF NOT EXISTS originals (
    file_sha256 VARCHAR PRIMARY KEY,
    pack        VARCHAR NOT NULL
);

-- Accounts (passwords only as argon2 hashes) and the audit trail of logins, uploads, role changes.
CREATE TABLE IF NOT EXISTS users (
    username            VARCHAR PRIMARY KEY,
    full_name           VARCHAR NOT NULL,
    role                VARCHAR NOT NULL,       -- admin | kementerian | koordinator
    districts           VARCHAR[] NOT NULL,     -- district codes (35.04) a coordinator uploads for
    password_hash       VARCHAR NOT NULL,       -- argon2id
    active              BOOLEAN NOT NULL DEFAULT true,
    is_demo             BOOLEAN NOT NULL DEFAULT false,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL,
    username VARCHAR NOT NULL,
    event    VARCHAR NOT NULL,   -- login | login_failed | locked | logout | upload | user_added | role_changed | ...
    detail   VARCHAR NOT NULL
);

-- Small key/value facts about the warehouse itself (demo flag, data version).
CREATE TABLE IF NOT EXISTS warehouse_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Every data version: each write transaction bumps warehouse_info's data_version (PostgreSQL: under that
-- row's lock, so versions are unique and in commit order), records it here and stamps the rows it made
-- with it; a pack can then be rebuilt as of any version listed here (pipelines.snapshot). The first row
-- ('awal') is where the history starts: rows made before it carry data_version 0.
CREATE TABLE IF NOT EXISTS data_versions (
    version BIGINT PRIMARY KEY,
    made_at TIMESTAMP NOT NULL,   -- WIB
    made_by VARCHAR NOT NULL,
    what    VARCHAR NOT NULL      -- awal | unggah | tinjauan | mutu | target | survei | seri
);

CREATE OR REPLACE VIEW current_submissions AS
    SELECT * FROM submissions WHERE is_current;

-- The current version of each village-month, kept as tables by the write path in the same
-- transaction as the versioned rows above: every read skips the join with submissions.
CREATE TABLE IF NOT EXISTS indicator_values (
    village_code   VARCHAR NOT NULL,
    period         DATE NOT NULL,
    indicator_code VARCHAR NOT NULL,
    value          DOUBLE                   -- NULL = not reported; 0 = reported zero
);

CREATE TABLE IF NOT EXISTS placements (
    village_code VARCHAR NOT NULL,
    period       DATE NOT NULL,
    country_iso2 VARCHAR NOT NULL,
    sector       VARCHAR NOT NULL,
    sex          VARCHAR NOT NULL,
    count        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS returns (
    village_code VARCHAR NOT NULL,
    period       DATE NOT NULL,
    country_iso2 VARCHAR NOT NULL,
    sex          VARCHAR NOT NULL,
    count        INTEGER NOT NULL,
    with_problem INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS remittances (
    village_code VARCHAR NOT NULL,
    period       DATE NOT NULL,
    country_iso2 VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,
    transactions INTEGER NOT NULL,
    amount_idr   DOUBLE NOT NULL
);

-- Respondent surveys (pipelines.survey): each load of a named survey is a new version; the
-- earlier versions stay. Respondents carry survey codes only, never a NIK.
CREATE SEQUENCE IF NOT EXISTS survey_seq START 1;

CREATE TABLE IF NOT EXISTS surveys (
    survey_id   BIGINT PRIMARY KEY,
    name        VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    is_current  BOOLEAN NOT NULL,
    is_demo     BOOLEAN NOT NULL DEFAULT false,
    file_name   VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    uploaded_by VARCHAR NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    respondents INTEGER NOT NULL,
    data_version BIGINT DEFAULT 0   -- the write that made it; 0 = before version history
);

CREATE TABLE IF NOT EXISTS survey_responses (
    survey_id            BIGINT NOT NULL,
    village_code         VARCHAR NOT NULL,
    respondent_id        VARCHAR NOT NULL,
    sex                  VARCHAR NOT NULL,   -- L | P
    age_group            VARCHAR NOT NULL,   -- <30 | 30-40 | 41-50 | >50
    years_abroad         DOUBLE NOT NULL,
    income_before        DOUBLE NOT NULL,
    income_after         DOUBLE NOT NULL,
    harmony_before       DOUBLE NOT NULL,
    harmony_after        DOUBLE NOT NULL,
    participation_before DOUBLE NOT NULL,
    participation_after  DOUBLE NOT NULL,
    credit_access        BOOLEAN NOT NULL,
    skills_improved      BOOLEAN NOT NULL
);

-- External yearly series per village or district (pipelines.cohort), e.g. placements registered by
-- the national agency, including villages outside the programme. A re-import replaces the series.
CREATE TABLE IF NOT EXISTS external_series (
    series       VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,   -- village (35.02.20.2001) or district (35.02) code
    year         INTEGER NOT NULL,
    joined_year  INTEGER,            -- year the area joined Desmigratif; NULL = never (outside the programme)
    value        DOUBLE,
    data_version BIGINT DEFAULT 0    -- the import that made it; 0 = before version history
);

-- Rows a re-import replaced, kept so a pack can be rebuilt as of an earlier data version (pipelines.snapshot).
CREATE TABLE IF NOT EXISTS external_series_replaced (
    series          VARCHAR NOT NULL,
    area_code       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    joined_year     INTEGER,
    value           DOUBLE,
    data_version    BIGINT DEFAULT 0,
    retired_version BIGINT NOT NULL  -- the import that replaced it
);

-- One-time sign-in tickets (a minute each): the page's script posts the ticket to /pantau/sesi, any
-- app process redeems it once for the HttpOnly cookie. Only the ticket's SHA-256 is kept, and the
-- cookie value only sealed with a key derived from the ticket itself (SHAKE-256), so what is stored
-- cannot be turned into a cookie without the ticket the browser holds.
CREATE TABLE IF NOT EXISTS signin_tickets (
    ticket_sha256 VARCHAR PRIMARY KEY,
    sealed        VARCHAR NOT NULL,
    max_age       INTEGER NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);

-- Sign-in sessions: only the SHA-256 of the random session id (the browser holds the id in a
-- signed HttpOnly cookie); ended by expiry, sign-out, account disable or password reset.
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    username     VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,   -- WIB
    expires_at   TIMESTAMP NOT NULL,   -- WIB
    revoked_at   TIMESTAMP
);

-- Server secrets (the key that signs session cookies); never part of the public interface.
CREATE TABLE IF NOT EXISTS app_secrets (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Review state of a district-month (no row = 'diterima', loaded): diajukan | disetujui | dikembalikan.
-- The metric layer's "approved data only" mode counts a village-month only when its district-month is disetujui.
CREATE TABLE IF NOT EXISTS review_states (
    district_code VARCHAR NOT NULL,
    period        DATE NOT NULL,
    state         VARCHAR NOT NULL,
    changed_by    VARCHAR NOT NULL,
    changed_at    TIMESTAMP NOT NULL,
    reason        VARCHAR,
    PRIMARY KEY (district_code, period)
);

-- Every review action ever taken, oldest first; 'detail' is JSON (missing villages, open findings).
CREATE TABLE IF NOT EXISTS review_events (
    district_code VARCHAR NOT NULL,
    period        DATE NOT NULL,
    action        VARCHAR NOT NULL,         -- submit | approve | return | unlock
    state         VARCHAR NOT NULL,         -- the state after the action (diterima after unlock)
    username      VARCHAR NOT NULL,
    acted_at      TIMESTAMP NOT NULL,
    reason        VARCHAR NOT NULL,
    detail        VARCHAR NOT NULL,
    data_version  BIGINT DEFAULT 0          -- the write that made it; 0 = before version history
);

-- Villages a coordinator listed as still missing when submitting a district's month, with why.
CREATE TABLE IF NOT EXISTS review_missing (
    district_code VARCHAR NOT NULL,
    period        DATE NOT NULL,
    village_code  VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    PRIMARY KEY (district_code, period, village_code)
);

-- Data-quality findings someone marked as checked ('dicek'), with their note.
CREATE TABLE IF NOT EXISTS quality_checks (
    finding_id VARCHAR PRIMARY KEY,         -- rule|village_code|period
    checked_by VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    note       VARCHAR NOT NULL
);

-- Targets (pipelines.targets): every load of a target workbook is a new version; a target of an
-- area x figure x year x period is the one of the newest load that set it (earlier ones stay).
CREATE SEQUENCE IF NOT EXISTS target_load_seq START 1;

CREATE TABLE IF NOT EXISTS target_loads (
    load_id     BIGINT PRIMARY KEY,         -- also the version: loads are numbered in order
    file_name   VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    rows_sha256 VARCHAR NOT NULL,         -- of the checked rows: the same targets again change nothing
    uploaded_by VARCHAR NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    targets     INTEGER NOT NULL,
    data_version BIGINT DEFAULT 0         -- the write that made it; 0 = before version history
);

CREATE TABLE IF NOT EXISTS target_values (
    load_id        BIGINT NOT NULL,
    area_code      VARCHAR NOT NULL,        -- NASIONAL, '35', '35.04', '35.04.14', '35.04.14.2011'
    indicator_code VARCHAR NOT NULL,        -- a key of reference/figures.csv
    year           INTEGER NOT NULL,
    period         VARCHAR NOT NULL,        -- TAHUN | S1 | S2 | T1..T4 | 01..12
    target         DOUBLE NOT NULL,         -- shares as fractions 0..1
    PRIMARY KEY (load_id, area_code, indicator_code, year, period)
);
