-- Remove the pre-computed facts of the village-months of the keys table (before they are computed again).
DELETE FROM village_month_facts WHERE (village_code, period) IN (SELECT village_code, period FROM {keys})
