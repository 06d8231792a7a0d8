-- Every kind of event the audit trail holds so far, alphabetically.
SELECT DISTINCT event FROM audit_log ORDER BY event
