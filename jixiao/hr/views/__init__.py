"""HR pages: one view per URL, rendering the page or, for HTMX, its partial."""
