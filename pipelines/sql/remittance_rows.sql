-- Remittance rows of an area and month range per village and month: village_code, period, country_iso2, channel, transactions, amount_idr.
SELECT village_code, period, country_iso2, channel, transactions, amount_idr
FROM remittances
WHERE ($area = '' OR village_code = $area OR starts_with(village_code, $area || '.'))
  AND period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
