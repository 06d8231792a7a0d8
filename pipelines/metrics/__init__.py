"""The metric layer: the one place a figure is defined, with its coverage and reporting calendar."""
