"""Excel in and out (domain.md §6): imports validated whole before anything is
written, exports with formulas neutralised."""
