"""Settings: `base` reads everything from the environment; `test` is for pytest."""
