"""The indicator dictionary (KPI指标库): versioned entries answering the ten questions."""
