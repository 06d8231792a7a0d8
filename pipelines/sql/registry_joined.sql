SELECT village_code, joined_year FROM villages
