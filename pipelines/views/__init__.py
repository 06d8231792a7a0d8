"""One model per page: each returns display-ready data built from the metric layer."""
