"""Writes on streaming: renditions of tracks, stream grants, plays."""
