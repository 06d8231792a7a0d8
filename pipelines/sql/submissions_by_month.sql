-- Current submissions per month over the whole warehouse: period, villages reporting, with warnings.
SELECT period,
       count(*) AS villages_reported,
       count_if(status = 'accepted_with_warnings') AS with_warnings
FROM submissions
WHERE is_current
GROUP BY period
ORDER BY period
