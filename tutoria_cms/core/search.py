"""Accent-insensitive full-text search on PostgreSQL.

People search without accents, or with the other language's ("tutoria" for "tutoría",
"orientacao" for "orientação"). SQLite's full-text index (FTS5, unicode61 tokenizer) already
folds diacritics; PostgreSQL's does not. The ``tutoria_core`` migration creates the text
search configuration ``tutoria_unaccent`` (the ``simple`` dictionary behind the ``unaccent``
extension), and sites point Wagtail's database search backend at it::

    WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "tutoria_cms.core.search_backend",  # wagtail's "database", queries cleaned
        "SEARCH_CONFIG": search_config_for(DATABASES["default"]),
    }}

then rebuild the index once (``manage.py update_index``).
"""

SEARCH_CONFIGURATION = "tutoria_unaccent"


def search_config_for(database):
    """The ``SEARCH_CONFIG`` to use with a database settings dict (None: the backend's default)."""
    engine = database.get("ENGINE", "")
    return SEARCH_CONFIGURATION if "postgresql" in engine else None


def create_configuration(schema_editor):
    """Create ``tutoria_unaccent``; without the unaccent extension, still create it (accents
    then matter, as before) so a site naming it never breaks, and say so."""
    from django.db import DatabaseError, transaction  # this module is imported by settings

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [SEARCH_CONFIGURATION])
        if cursor.fetchone():
            return True
        try:
            # unaccent is a trusted extension (PostgreSQL 13+): the database owner may add it.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            unaccent = True
        except DatabaseError:
            unaccent = False
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} (COPY = simple)")
        if unaccent:
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
            )
    return unaccent


def drop_configuration(schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIGURATION}")
