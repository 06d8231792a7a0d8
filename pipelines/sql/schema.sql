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

-- Small key/value facts about the warehouse itself (demo flag, data version).
CREATE TABLE IF NOT EXISTS warehouse_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE OR REPLACE VIEW current_submissions AS
    SELECT * FROM submissions WHERE is_current;

CREATE OR REPLACE VIEW indicator_values AS
    SELECT s.village_code, s.period, v.indicator_code, v.value
    FROM submission_values v JOIN submissions s USING (submission_id)
    WHERE s.is_current;

CREATE OR REPLACE VIEW placements AS
    SELECT s.village_code, s.period, p.country_iso2, p.sector, p.sex, p.count
    FROM submission_placements p JOIN submissions s USING (submission_id)
    WHERE s.is_current;

CREATE OR REPLACE VIEW returns AS
    SELECT s.village_code, s.period, r.country_iso2, r.sex, r.count, r.with_problem
    FROM submission_returns r JOIN submissions s USING (submission_id)
    WHERE s.is_current;

CREATE OR REPLACE VIEW remittances AS
    SELECT s.village_code, s.period, m.country_iso2, m.channel, m.transactions, m.amount_idr
    FROM submission_remittances m JOIN submissions s USING (submission_id)
    WHERE s.is_current;
