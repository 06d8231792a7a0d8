SELECT r.village_code, v.village_name, r.respondent_id, r.sex, r.age_group, r.years_abroad,
       r.income_before, r.income_after, r.harmony_before, r.harmony_after,
       r.participation_before, r.participation_after, r.credit_access, r.skills_improved
FROM survey_responses r
JOIN surveys s USING (survey_id)
LEFT JOIN villages v USING (village_code)
WHERE s.is_current AND s.name = $survey
ORDER BY r.village_code, r.respondent_id
