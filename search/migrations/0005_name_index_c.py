from django.db import migrations

# PostgreSQL only. The name index of 0004 used varchar_pattern_ops: it serves a
# prefix (LIKE 'x%') but cannot give names in order, so the shortest names
# that start with a query were sorted from every such name. A C-collated
# B-tree serves both the prefix range and the order.
POSTGRES_FORWARD = """
DROP INDEX IF EXISTS search_entry_name;
CREATE INDEX search_entry_name_c ON search_searchentry (kind, (folded COLLATE "C"), popularity DESC) WHERE visible;
"""
POSTGRES_BACKWARD = """
DROP INDEX IF EXISTS search_entry_name_c;
CREATE INDEX IF NOT EXISTS search_entry_name ON search_searchentry (kind, folded varchar_pattern_ops, popularity DESC)
    WHERE visible;
"""


def _postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_vocabulary"),
    ]

    operations = [
        migrations.RunPython(_postgres_only(POSTGRES_FORWARD), _postgres_only(POSTGRES_BACKWARD)),
    ]
