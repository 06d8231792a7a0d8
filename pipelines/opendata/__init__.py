"""Satu Data package: long CSV, its XLSX twin and metadata.json of every figure per area and government period."""
