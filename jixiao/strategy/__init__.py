"""KPI design from strategy (战略解码, domain.md §2 "Strategy"): the strategy map,
key success factors with their fishbones, indicators linked to objectives, the
cascade and its coverage, positions' duties, selection policies by tier and the
SMART check of dictionary entries."""
