"""The template library's own forms (the specification's examples, the R&D annual form):
scheme documents with Chinese comments only."""
