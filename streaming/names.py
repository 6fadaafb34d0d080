"""Names the renditions' writer (``services/renditions.py``) and readers (``selectors.py``) share."""


def stream_info_key(track_id: int) -> str:
    """The cache key of a track's stream info (who may stream it, its current renditions), dropped when they change."""
    # The name says what the value holds: a release that changes it names it anew, so that
    # it never reads what the release before cached under the old name.
    return f"stream:info:{track_id}"


def hls_master_name(cap: int) -> str:
    """The HLS master playlist, in a version folder, that offers the variants of at most ``cap`` kbit/s."""
    return f"hls/master_{cap}.m3u8"
