"""Pantau Desmigratif data layer: reading, validating, storing and aggregating reports."""
