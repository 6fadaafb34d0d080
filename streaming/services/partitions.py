"""The play table's monthly partitions, on PostgreSQL.

There ``streaming_play`` is partitioned by range of ``started_at``, one
partition a month (``streaming_play_pYYYY_MM``, months in UTC) and a default
one for rows no month holds yet (migration 0005). ``play_partitions_ahead``
makes this month's and the next few before rows arrive; a month whose rows
already went to the default partition gets them moved into its own.
``play_partitions_detach`` takes old months off the table (and may drop
them), so that old plays cost the live table nothing. SQLite keeps a plain
table: both do nothing there.
"""

import re
from datetime import UTC, date, datetime

from django.db import connection, transaction

TABLE = "streaming_play"
DEFAULT = "streaming_play_default"
MONTHS_AHEAD = 3
_NAME = re.compile(r"^streaming_play_p(\d{4})_(\d{2})$")


def play_table_partitioned() -> bool:
    """Whether the play table is partitioned here (PostgreSQL, migrated)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month.year:04d}_{month.month:02d}"


def play_partitions() -> list[tuple[str, date]]:
    """The monthly partitions attached to the play table, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        if found := _NAME.match(name):
            months.append((name, date(int(found[1]), int(found[2]), 1)))
    return sorted(months, key=lambda item: item[1])


def play_partition_ensure(*, month: date) -> bool:
    """Make the partition of ``month`` unless it exists: whether it was made.

    It is made beside the table, filled with the month's rows the default
    partition holds, then attached, all in one transaction: the table never
    holds a month twice, and no row is lost or seen twice.
    """
    month = month.replace(day=1)
    name = partition_name(month)
    if name in {existing for existing, _ in play_partitions()}:
        return False
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end_month = _month_after(month)
    end = datetime(end_month.year, end_month.month, 1, tzinfo=UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            return False  # made meanwhile
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        move = (  # our own table names, never input
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE started_at >= %s AND started_at < %s RETURNING *) "  # noqa: S608
            f"INSERT INTO {name} SELECT * FROM moved"
        )
        cursor.execute(move, [start, end])
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end])
    return True


def play_partitions_ahead(*, months: int = MONTHS_AHEAD, now: datetime | None = None) -> list[str]:
    """Make the partitions of this month and the next ``months`` that are missing: their names.

    Idempotent; nothing happens where the table is not partitioned.
    """
    if not play_table_partitioned():
        return []
    today = (now or datetime.now(tz=UTC)).astimezone(UTC).date().replace(day=1)
    made = []
    month = today
    for _ in range(months + 1):
        if play_partition_ensure(month=month):
            made.append(partition_name(month))
        month = _month_after(month)
    return made


def play_partitions_detach(*, before: date, drop: bool = False) -> list[str]:
    """Take the monthly partitions of months before ``before`` off the play table: their names.

    A detached partition is a table of its own (``streaming_play_pYYYY_MM``),
    kept for an archive or a dump, unless ``drop`` deletes it.
    """
    if not play_table_partitioned():
        return []
    cutoff = before.replace(day=1)
    done = []
    for name, month in play_partitions():
        if month >= cutoff:
            break
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
            if drop:
                cursor.execute(f"DROP TABLE {name}")
        done.append(name)
    return done
