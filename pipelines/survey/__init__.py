"""Respondent surveys of returned migrants: template, validation, storage, analysis."""
