SELECT village_code FROM villages
