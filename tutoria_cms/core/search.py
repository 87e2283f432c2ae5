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

import unicodedata

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


# --------------------------------------------------------------------------------------------
# The words people type: each public page type is indexed with its name and its synonyms.
# --------------------------------------------------------------------------------------------

# Search terms (not displayed text): the words visitors of either site use for each page type,
# in Spanish, Portuguese and English. The type's own name is added in the page's language.
TYPE_SYNONYMS = {
    "workshop": ("taller", "talleres", "oficina", "oficinas", "workshop", "workshops"),
    "workshop_calendar": (
        "calendario",
        "agenda",
        "talleres",
        "oficinas",
        "calendar",
        "workshops",
    ),
    "programme": ("programa", "programas", "programa de tutoría", "tutoría", "tutoria"),
    "tutor_profile": ("tutor", "tutora", "tutores", "tutoras", "docente", "docentes"),
    "partnership_index": (
        "convenio",
        "convenios",
        "convênio",
        "convênios",
        "acuerdo",
        "acuerdos",
        "parceria",
        "parcerias",
        "vinculación",
        "vinculação",
    ),
}


def fold(text):
    """``text`` without accents and in lower case ("Tutoría" is "tutoria", "CONVÊNIO"
    "convenio"): NFKD, combining marks dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def search_text(*parts):
    """One text to index from ``parts`` (strings, lazy strings, lists of them; empty ones
    skipped), followed by its accent-folded form when that differs.

    SQLite's full-text index and PostgreSQL's ``tutoria_unaccent`` configuration already
    ignore accents; the folded copy keeps "tutoria" finding "Tutoría" in these words even on
    a PostgreSQL without the ``unaccent`` extension."""
    texts = []
    for part in parts:
        if isinstance(part, list | tuple | set):
            texts.extend(str(item) for item in part if item)
        elif part:
            texts.append(str(part))
    text = " ".join(dict.fromkeys(text.strip() for text in texts if text.strip()))
    folded = fold(text)
    return f"{text} {folded}" if folded != text.casefold() else text


def page_language(page):
    """The language code of ``page``'s locale (its site's language), or None."""
    try:
        return page.locale.language_code if page.locale_id else None
    except Exception:  # noqa: BLE001 (a page without its locale is indexed without it)
        return None


def type_keywords(page, kind):
    """The words for ``page``'s type: its verbose names in the page's language, its title
    and the synonyms of ``kind`` (a key of ``TYPE_SYNONYMS``)."""
    from django.utils import translation

    language = page_language(page)
    with translation.override(language):
        names = [str(page._meta.verbose_name), str(page._meta.verbose_name_plural)]
    return [page.title, *names, *TYPE_SYNONYMS.get(kind, ())]


def labels_in_every_language(choices, values):
    """The labels of ``values`` (choice values) in each of the site's languages."""
    from django.conf import settings
    from django.utils import translation

    labels = dict(choices)
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.extend(str(labels[value]) for value in values if value in labels)
    return texts
