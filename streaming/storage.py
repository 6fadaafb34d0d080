from django.core.files.storage import Storage, storages


def renditions_storage() -> Storage:
    """Where renditions live: the bucket's root in services mode, where the edges read them."""
    return storages["renditions"]


def folder_delete(folder: str) -> None:
    """Delete every file under ``folder`` (a rendition version), recursively."""
    storage = renditions_storage()
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{folder}{name}")
    for sub in dirs:
        folder_delete(f"{folder}{sub}/")
