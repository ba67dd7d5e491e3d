"""How the static files are stored for production: WhiteNoise's compressed manifest
storage (names with a hash of the content, gzip copies beside them), except that a
JavaScript file's `//# sourceMappingURL=` comment is left as it is.

The vendored libraries are the npm packages' files copied unchanged, without their
source maps (static/vendor/README.md); Django's manifest storage would refuse to
collect a file pointing to a map that is not there. Only a browser's developer tools
ever ask for the map. Stylesheets' `url(…)` and `@import` are still rewritten.

Before any `collectstatic` (no manifest at all: a management command rendering pages
with the production settings, `manage.py bench_pages`), a static file keeps its plain
name instead of failing the page; once collected, a name missing from the manifest is
an error, as Django has it."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped
    patterns = tuple(
        (glob, rules)
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob != "*.js"
    )

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # never collected: the plain name
            return name
        return str(super().stored_name(name))
