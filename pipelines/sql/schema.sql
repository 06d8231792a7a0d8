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
    warnings      VARCHAR NOT NULL          -- JSON list of {sheet,row,column,value,message}
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
