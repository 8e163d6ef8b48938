"""Analyses of a scored year: how robust each decision is (稳定性分析)."""
