"""Partition the play table by month of ``started_at``, on PostgreSQL only.

The table is rebuilt as ``PARTITION BY RANGE (started_at)``: its primary key
becomes ``(id, started_at)`` (a partitioned table's unique keys hold its
partition key), with the same indexes and foreign keys, under the same names.
Existing rows are copied into one partition per month they cover, and a
default partition takes rows no month holds yet; ``play_partitions_ahead``
(periodic) makes the coming months'. Django's state is unchanged: the model
keeps ``id`` as its primary key, which stays unique (a play id is random and
a play's ``started_at`` never changes). SQLite keeps its plain table.
"""

from datetime import UTC, date, datetime

from django.db import migrations

TABLE = "streaming_play"


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _indexes_and_keys(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(cursor, table)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    constraints = _indexes_and_keys(schema_editor, TABLE)
    run = schema_editor.execute
    run(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_plain")
    run(f"CREATE TABLE {TABLE} (LIKE {TABLE}_plain INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (started_at)")
    run(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT min(started_at), max(started_at) FROM {TABLE}_plain")
        first, last = cursor.fetchone()
    today = datetime.now(tz=UTC).date()
    month = min(first.astimezone(UTC).date(), today).replace(day=1) if first else today.replace(day=1)
    end = _month_after(_month_after(_month_after(max(last.astimezone(UTC).date(), today) if last else today)))
    while month < end:
        upper = _month_after(month)
        run(
            f"CREATE TABLE {TABLE}_p{month.year:04d}_{month.month:02d} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{upper.isoformat()} 00:00:00+00')"
        )
        month = upper
    run(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_plain")
    run(f"DROP TABLE {TABLE}_plain")
    _keys_and_indexes_add(run, constraints, primary_key="id, started_at")


def _keys_and_indexes_add(run, constraints, *, primary_key):
    """Put back the keys and indexes the table had, under their names, its primary key on ``primary_key``."""
    for name, constraint in constraints.items():
        columns = constraint["columns"]
        if constraint["primary_key"]:
            run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} PRIMARY KEY ({primary_key})")
        elif constraint["foreign_key"]:
            other, other_column = constraint["foreign_key"]
            run(
                f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} FOREIGN KEY ({columns[0]}) "
                f"REFERENCES {other} ({other_column}) DEFERRABLE INITIALLY DEFERRED"
            )
        elif constraint["index"]:
            orders = constraint.get("orders") or ["ASC"] * len(columns)
            listed = ", ".join(f"{column} {order}" for column, order in zip(columns, orders, strict=True))
            run(f"CREATE INDEX {name} ON {TABLE} ({listed})")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    constraints = _indexes_and_keys(schema_editor, TABLE)
    run = schema_editor.execute
    run(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_partitioned")
    run(f"CREATE TABLE {TABLE} (LIKE {TABLE}_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    run(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_partitioned")
    run(f"DROP TABLE {TABLE}_partitioned CASCADE")
    _keys_and_indexes_add(run, constraints, primary_key="id")


class Migration(migrations.Migration):
    dependencies = [("streaming", "0004_play_source_country")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
