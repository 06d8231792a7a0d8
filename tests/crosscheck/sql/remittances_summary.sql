-- Remittances over an area and month range, summed over villages: period, country_iso2, channel, transactions, amount_idr.
SELECT m.period, m.country_iso2, m.channel,
       CAST(sum(m.transactions) AS BIGINT) AS transactions,
       sum(m.amount_idr) AS amount_idr
FROM remittances m
JOIN villages v USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND m.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY m.period, m.country_iso2, m.channel
ORDER BY m.period, m.country_iso2, m.channel
