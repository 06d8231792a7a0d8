"""The demo warehouse: a registry of real villages and generated (not official) monthly reports."""
