"""Names the renditions' writer (``services/renditions.py``) and readers (``selectors.py``) share."""


def media_cache_key(track_id: int) -> str:
    """The cache key of a track's current renditions, dropped whenever they change."""
    return f"stream:media:{track_id}"


def hls_master_name(cap: int) -> str:
    """The HLS master playlist, in a version folder, that offers the variants of at most ``cap`` kbit/s."""
    return f"hls/master_{cap}.m3u8"
