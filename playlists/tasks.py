from celery import shared_task


@shared_task(acks_late=True)
def playlist_mosaic_refresh(playlist_id: int) -> None:
    """Remake the playlist's mosaic from its first tracks' artwork, if it changed (idempotent)."""
    from playlists.services.playlists import playlist_mosaic_refresh as refresh

    refresh(playlist_id=playlist_id)


@shared_task(acks_late=True)
def playlist_mosaics_refresh_for_album(album_id: int | None, artwork: str) -> int:
    """Remake the mosaics that hold the album's tracks or showed its artwork (idempotent)."""
    from playlists.services.playlists import playlist_mosaics_refresh_for_album as refresh

    return refresh(album_id=album_id, artwork=artwork)
