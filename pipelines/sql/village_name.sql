-- The registry name of the village with code $code (none when not in the registry): village_name.
SELECT village_name FROM villages WHERE village_code = $code
