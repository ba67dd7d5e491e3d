"""jixiao (绩效): KPI-based performance appraisal."""

__version__ = "0.1.0"
