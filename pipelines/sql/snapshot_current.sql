-- In a snapshot: the highest version of each village-month (and of each survey) is its current one.
UPDATE submissions SET is_current = (version = (
    SELECT max(o.version) FROM submissions o WHERE o.village_code = submissions.village_code
                                              AND o.period = submissions.period));
UPDATE surveys SET is_current = (version = (SELECT max(o.version) FROM surveys o WHERE o.name = surveys.name))
