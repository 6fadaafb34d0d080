"""On PostgreSQL the play table is partitioned by month: rows land in their month, months are made ahead and let go."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from streaming.models import Play
from streaming.services.partitions import play_partitions, play_partitions_ahead
from streaming.tasks import play_partitions_ahead as play_partitions_ahead_task
from tests.streaming.factories import PlayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def _partition_of(play: Play) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM streaming_play WHERE id = %s", [play.pk])
        return cursor.fetchone()[0]


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        return cursor.fetchone()[0] is not None


def test_the_play_table_is_partitioned_by_month_of_its_start():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'streaming_play'::regclass"
        )
        assert cursor.fetchall() == [("r", "started_at")]
    now = datetime.now(tz=UTC)
    this_month = PlayFactory(started_at=now)
    long_ago = PlayFactory(started_at=datetime(1999, 12, 31, 23, 0, tzinfo=UTC))

    assert _partition_of(this_month) == f"streaming_play_p{now.year:04d}_{now.month:02d}"
    assert _partition_of(long_ago) == "streaming_play_default"
    assert Play.objects.get(pk=long_ago.pk).user_id == long_ago.user_id


def test_months_are_made_ahead_and_take_their_rows_from_the_default_partition():
    early = PlayFactory(started_at=datetime(2001, 2, 10, tzinfo=UTC))
    assert _partition_of(early) == "streaming_play_default"

    made = play_partitions_ahead(months=2, now=datetime(2001, 1, 20, tzinfo=UTC))
    again = play_partitions_ahead(months=2, now=datetime(2001, 1, 20, tzinfo=UTC))

    assert made == ["streaming_play_p2001_01", "streaming_play_p2001_02", "streaming_play_p2001_03"]
    assert again == []
    assert _partition_of(early) == "streaming_play_p2001_02"
    assert Play.objects.filter(pk=early.pk).count() == 1


def test_the_periodic_task_makes_this_month_and_the_next_ones():
    play_partitions_ahead_task.delay()

    today = datetime.now(tz=UTC).date()
    names = {name for name, _ in play_partitions()}
    month = today.replace(day=1)
    for _ in range(4):
        assert f"streaming_play_p{month.year:04d}_{month.month:02d}" in names
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def test_old_months_are_detached_and_dropped_on_demand(capsys):
    play_partitions_ahead(months=2, now=datetime(2002, 1, 1, tzinfo=UTC))
    PlayFactory(started_at=datetime(2002, 1, 15, tzinfo=UTC))
    february = PlayFactory(started_at=datetime(2002, 2, 15, tzinfo=UTC))
    march = PlayFactory(started_at=datetime(2002, 3, 15, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if written in transactions of their own, long ago

    call_command("plays_partitions_detach", "--before", "2002-02")
    assert "detached streaming_play_p2002_01" in capsys.readouterr().out
    assert set(Play.objects.filter(started_at__year=2002).values_list("pk", flat=True)) == {february.pk, march.pk}
    assert _table_exists("streaming_play_p2002_01")  # kept as a table of its own

    call_command("plays_partitions_detach", "--before", "2002-03", "--drop")
    assert list(Play.objects.filter(started_at__year=2002).values_list("pk", flat=True)) == [march.pk]
    assert not _table_exists("streaming_play_p2002_02")
