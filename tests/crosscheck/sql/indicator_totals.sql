-- Each requested indicator (parallel lists $codes/$kinds) over an area and month range: indicator_code, kind, value, villages_reporting.
-- flow = sum over months and villages; stock = each village's latest non-NULL month, summed over
-- villages; flag = villages whose latest non-NULL flag is 1. NULL when no village reported.
WITH catalogue AS (
    SELECT unnest($codes) AS indicator_code, unnest($kinds) AS kind
),
area_villages AS (
    SELECT village_code
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
reported AS (
    -- a blank cell (NULL) is "not reported", not zero: it must not count as a village's value
    SELECT iv.indicator_code, iv.village_code, iv.period, iv.value
    FROM indicator_values iv
    JOIN area_villages USING (village_code)
    WHERE iv.value IS NOT NULL
      AND list_contains($codes, iv.indicator_code)
      AND iv.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
per_village AS (
    SELECT indicator_code, village_code,
           sum(value) AS total,
           arg_max(value, period) AS latest
    FROM reported
    GROUP BY indicator_code, village_code
),
per_indicator AS (
    SELECT indicator_code,
           sum(total) AS flow_value,
           sum(latest) AS stock_value,
           count_if(latest = 1) AS flag_value,
           count(*) AS villages_reporting
    FROM per_village
    GROUP BY indicator_code
)
SELECT c.indicator_code,
       c.kind,
       CAST(CASE c.kind
                WHEN 'flow' THEN p.flow_value
                WHEN 'stock' THEN p.stock_value
                WHEN 'flag' THEN p.flag_value
            END AS DOUBLE) AS value,
       coalesce(p.villages_reporting, 0) AS villages_reporting
FROM catalogue c
LEFT JOIN per_indicator p USING (indicator_code)
ORDER BY list_position($codes, c.indicator_code)
