-- PostgreSQL only (run as is, not transpiled): the few DuckDB functions the one DuckDB-dialect SQL source
-- uses that PostgreSQL 15 lacks or types differently, so that every other query is written once.
CREATE OR REPLACE FUNCTION date_from_parts(y integer, m integer, d integer) RETURNS date
    LANGUAGE sql IMMUTABLE AS 'SELECT make_date(y, m, d)';
CREATE OR REPLACE FUNCTION json_array_length(t text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS 'SELECT json_array_length(t::json)';
CREATE OR REPLACE FUNCTION pantau_any_value_step(a anyelement, b anyelement) RETURNS anyelement
    LANGUAGE sql IMMUTABLE AS 'SELECT coalesce(a, b)';
CREATE OR REPLACE AGGREGATE any_value(anyelement) (SFUNC = pantau_any_value_step, STYPE = anyelement);
CREATE OR REPLACE FUNCTION last_day(d date) RETURNS date
    LANGUAGE sql IMMUTABLE AS 'SELECT CAST(date_trunc(''month'', d) + interval ''1 month'' - interval ''1 day'' AS date)';
CREATE OR REPLACE AGGREGATE first(anyelement) (SFUNC = pantau_any_value_step, STYPE = anyelement);
