"""The project's settings for a collectstatic that checks names and imports, not compression.

WhiteNoise compresses every collected file twice (gzip, Brotli), most of the
minutes collectstatic takes; hashing names and rewriting imports, which the
tests check, do not depend on it.
"""

from spotifyclone.settings import *  # noqa: F403

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["js", "mjs", "css", "map", "svg", "html", "txt", "json", "xml", "md", "ico"]
