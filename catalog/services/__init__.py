"""Writes on the catalog, split by what they change: artists, albums, tracks."""
