"""Review of a district's month: submit, approve or return, the month lock, data quality and follow-up."""
