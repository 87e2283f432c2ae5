"""Statistical disclosure control of sensitive counts (reasons for tutoring, referrals).

Small-cell suppression alone ("< 5") is beaten by differencing: two exports whose date ranges
differ by one day, and so by one request, show that request's reason category as the one
count that moved. Two rules together hold under differencing (see docs/privacy.md):

1. **Whole ended terms.** A sensitive count is only ever computed over whole terms of the
   institution that have ended (by the "as of" day, else before today): the export's date
   range is narrowed to the terms it covers entirely (:func:`released_terms`). Two ranges that
   cover the same terms give the same figures, whatever their other days; two ranges that
   cover different terms differ by at least one whole term, itself released. A range that
   covers no ended term gets no sensitive count at all (withheld, with a note).
2. **Consistent random rounding to base 5** (ONS / ABS "random rounding"): each released
   count is rounded to a neighbouring multiple of 5, up with probability (remainder / 5), so
   unbiased. The draw is not random at each export: it is derived from a keyed hash (HMAC-
   SHA256 under a key derived from ``SECRET_KEY``) of the cell's identity (institution,
   programme, which count) and its true value, so asking again, or asking through another
   range covering the same value, gives the same figure and repeated queries cannot be
   averaged out. Zero stays zero; multiples of 5 stay as they are. Totals are rounded on
   their own, so a table's cells may not add up to its total.

After rounding, a count under the small-cell threshold is still shown as "< n".
"""

import hashlib
import hmac

from django.conf import settings

BASE = 5
KEY_LABEL = b"tutoria_cms.accreditation.disclosure.random-rounding"


def rounding_key():
    """The secret of the rounding draws: an HMAC of a fixed label under ``SECRET_KEY`` (never
    the secret key itself, and not the pseudonymisation key)."""
    return hmac.new(settings.SECRET_KEY.encode(), KEY_LABEL, hashlib.sha256).digest()


def _draw(cell, value, key):
    """A number in [0, 1) fixed by the key, the cell's identity and its true value."""
    message = "\x1f".join(str(part) for part in (*cell, value)).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def random_round(value, cell, base=BASE, key=None):
    """``value`` rounded to a multiple of ``base``: down, or up with probability
    (remainder / base), the draw derived from ``cell`` (a tuple naming the count) and
    ``value``. None stays None, zero and multiples of ``base`` stay as they are."""
    if value is None:
        return None
    value = int(value)
    remainder = value % base
    if remainder == 0:
        return value
    down = value - remainder
    draw = _draw(cell, value, key if key is not None else rounding_key())
    return down + base if draw < remainder / base else down


def released_terms(terms, date_from, date_to, reference_day, inclusive):
    """The terms (objects with ``starts_on`` / ``ends_on``) lying wholly in the range
    [``date_from``, ``date_to``] (None: open) that have ended by ``reference_day``
    (``inclusive``: the reference day itself is over, as for an "as of" day)."""
    found = []
    for term in terms:
        if date_from is not None and term.starts_on < date_from:
            continue
        if date_to is not None and term.ends_on > date_to:
            continue
        if term.ends_on > reference_day or (not inclusive and term.ends_on == reference_day):
            continue
        found.append(term)
    return sorted(found, key=lambda term: (term.starts_on, term.ends_on, term.code))
