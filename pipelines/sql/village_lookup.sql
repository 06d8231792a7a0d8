-- Registry facts validation needs: every village's name, joining year and district code.
SELECT village_code, village_name, joined_year, district_code FROM villages
