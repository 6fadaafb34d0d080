"""Helpers that more than one app needs. This package imports no app of the project."""
