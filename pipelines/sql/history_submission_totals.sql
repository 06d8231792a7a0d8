-- One submission's breakdown totals: placements, returns, returns_problem, remittance_transactions, remittance_idr.
SELECT
    (SELECT coalesce(sum(count), 0) FROM submission_placements WHERE submission_id = $id) AS placements,
    (SELECT coalesce(sum(count), 0) FROM submission_returns WHERE submission_id = $id) AS returns,
    (SELECT coalesce(sum(with_problem), 0) FROM submission_returns WHERE submission_id = $id) AS returns_problem,
    (SELECT coalesce(sum(transactions), 0) FROM submission_remittances WHERE submission_id = $id)
        AS remittance_transactions,
    (SELECT coalesce(sum(amount_idr), 0) FROM submission_remittances WHERE submission_id = $id) AS remittance_idr
