"""Ids as the database stores them: whole numbers from 1 to the largest signed 64-bit integer.

A bigger number names no row, and cannot even be asked about: SQLite refuses
to bind it (OverflowError) and PostgreSQL's ``bigint`` cannot hold it. Input
that names rows is therefore checked where it enters, with these fields: the
caller gets a 400 that says what is wrong, never a 500 from the query.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django_filters import rest_framework as filters
from rest_framework import serializers

ID_MAX = 2**63 - 1


def possible_ids(ids: Iterable[int]) -> list[int]:
    """The ids that could name a row; the others cannot be looked up (SQLite refuses them outright)."""
    return [pk for pk in ids if 0 < pk <= ID_MAX]


class IdField(serializers.IntegerField):
    """A serializer field for an id: a whole number from 1 to ``ID_MAX``, else a 400."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    """A query filter on an id (``?artist=7``): a whole number from 1 to ``ID_MAX``, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)
