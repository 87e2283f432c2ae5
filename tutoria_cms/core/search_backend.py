"""Wagtail's database search backend, made safe for whatever is typed in a search box.

Every search of the admin (pages, snippets, images, documents, the suite's listings, the
choosers) and of the public site goes through a backend's ``search()`` or ``autocomplete()``.
This backend is Wagtail's ``wagtail.search.backends.database`` (SQLite FTS5, PostgreSQL
full-text search, ...) with the query cleaned first, so that no input gives a server error:

- text as ``tutoria_cms.core.text.search_query`` makes it (NFC, control characters such as
  NUL become spaces, invisible characters dropped, at most 200 characters);
- only letters, digits and the characters that join words (``'-_.@``) are kept: quotes,
  parentheses, ``&|!:*^~`` and the like are operators to FTS5 or ``to_tsquery``, never
  meaningful in a search here;
- at most ``MAX_TERMS`` words in all (a chain of a hundred ``OR`` would build a query too deep
  or too slow for the database).

A query of nothing searchable matches nothing. Use it in ``WAGTAILSEARCH_BACKENDS``::

    "BACKEND": "tutoria_cms.core.search_backend"
"""

import copy
import re

from wagtail.search.backends.database import SearchBackend as database_backend
from wagtail.search.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

from .text import search_query

MAX_TERMS = 16
WORD = re.compile(r"[\w'@.-]+")
EDGES = "'@.-_"


def clean_words(text, budget):
    """The searchable words of ``text``, at most ``budget``."""
    words = []
    for match in WORD.finditer(search_query(text, max_length=200)):
        word = match.group().strip(EDGES)
        if word:
            words.append(word)
        if len(words) >= budget:
            break
    return words


def clean_query(query, budget=None):
    """``query`` (a string or a Wagtail search query) with only searchable words, at most
    ``MAX_TERMS`` of them; None when nothing is left."""
    if budget is None:  # the caller's query is left as it was
        query, budget = copy.deepcopy(query), [MAX_TERMS]
    if isinstance(query, str):
        words = clean_words(query, budget[0])
        budget[0] -= len(words)
        return " ".join(words) or None
    if isinstance(query, PlainText | Phrase | Fuzzy):
        words = clean_words(query.query_string, budget[0])
        budget[0] -= len(words)
        if not words:
            return None
        query.query_string = " ".join(words)
        return query
    if isinstance(query, And | Or):
        kept = [q for q in (clean_query(sub, budget) for sub in query.subqueries) if q]
        if not kept:
            return None
        query.subqueries = kept
        return query
    if isinstance(query, Not | Boost):
        query.subquery = clean_query(query.subquery, budget)
        return query if query.subquery is not None else None
    return query  # MatchAll, MatchNone


class SafeQueryMixin:
    def search(self, query, model_or_queryset, *args, **kwargs):
        cleaned = clean_query(query)
        if cleaned is None:
            return super().search(query_none(), model_or_queryset, *args, **kwargs)
        return super().search(cleaned, model_or_queryset, *args, **kwargs)

    def autocomplete(self, query, model_or_queryset, *args, **kwargs):
        cleaned = clean_query(query)
        if cleaned is None:
            return super().search(query_none(), model_or_queryset, *args, **kwargs)
        return super().autocomplete(cleaned, model_or_queryset, *args, **kwargs)


def query_none():
    from wagtail.search.query import MATCH_NONE

    return MATCH_NONE


_classes = {}


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    """Wagtail's database backend for this database, with ``SafeQueryMixin``."""
    backend = database_backend(params)
    cls = type(backend)
    if cls not in _classes:
        _classes[cls] = type(f"Safe{cls.__name__}", (SafeQueryMixin, cls), {})
    return _classes[cls](params)
