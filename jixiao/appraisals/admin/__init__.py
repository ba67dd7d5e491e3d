"""Cycles, appraisals, facts and results in the admin, all through the services."""

from jixiao.appraisals.admin import audit, cycles, facts, raters, results, steps

__all__ = ["audit", "cycles", "facts", "raters", "results", "steps"]
