"""Schemes (考核方案): scheme-language documents, versioned, checked by the engine
on every save, assigned to positions, units or providers."""
