"""Cycles, appraisals, facts and results: the appraisal process of domain.md §3,
scored by the engine."""
