"""An independent, older SQL aggregation kept only to cross-check the metric layer in tests."""
