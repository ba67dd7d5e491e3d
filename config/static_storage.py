"""How the static files are stored for production: WhiteNoise's compressed manifest
storage (names with a hash of the content, gzip copies beside them), except that a
JavaScript file's `//# sourceMappingURL=` comment is left as it is.

The vendored libraries are the npm packages' files copied unchanged, without their
source maps (static/vendor/README.md); Django's manifest storage would refuse to
collect a file pointing to a map that is not there. Only a browser's developer tools
ever ask for the map. Stylesheets' `url(…)` and `@import` are still rewritten."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped
    patterns = tuple(
        (glob, rules)
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob != "*.js"
    )
