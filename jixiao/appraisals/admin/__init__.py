"""Cycles, appraisals, facts and results in the admin, all through the services."""

from jixiao.appraisals.admin import anonymity, cycles, facts, raters, results, steps

__all__ = ["anonymity", "cycles", "facts", "raters", "results", "steps"]
