-- Marks made when the consistency rules were K01-K04 (the cooperative indicators' codes too) keep
-- their finding under the rules' own ids KS01-KS04: 'K02|35.04.14.2011|2024-04|L07' -> 'KS02|...'.
UPDATE quality_checks SET finding_id = 'KS' || substr(finding_id, 2)
WHERE substr(finding_id, 1, 4) IN ('K01|', 'K02|', 'K03|', 'K04|');
