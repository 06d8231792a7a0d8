-- The warehouse's facts but its data version (the snapshot's is the one it is taken as of).
SELECT key, value FROM warehouse_info WHERE key <> 'data_version'
