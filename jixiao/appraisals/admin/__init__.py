"""Cycles, appraisals, facts and results in the admin, all through the services."""

from jixiao.appraisals.admin import cycles, facts, raters, results, steps

__all__ = ["cycles", "facts", "raters", "results", "steps"]
