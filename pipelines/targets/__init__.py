"""Targets per area, figure and government period, and capaian (realisasi / target) from the metric layer."""
