-- The village registry (not versioned: a registry load changes it for every data version).
SELECT * FROM villages
