"""The static files storage: hashed names for caching forever, compressed copies, and ES module imports that follow."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, rewriting the paths of ES module imports to the hashed names too.

    ``static/js/player/main.js`` imports ``./state.js``; once collected, the
    hashed ``main.<hash>.js`` must import ``./state.<hash>.js``, or the browser
    would fetch a name that is not cached forever (or not there at all). Django
    rewrites ``import … from "./x.js";``, ``export … from "./x.js";``,
    ``import "./x.js";`` and ``import("./x.js")`` when this flag is set.
    Each module's hash covers the hashed names it imports, so the imports
    between modules must not form a cycle: the names would never settle.
    """

    support_js_module_import_aggregation = True
