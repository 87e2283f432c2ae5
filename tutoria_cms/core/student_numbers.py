"""One way to write a student number, wherever one is typed, stored or looked up.

``normalise_student_number`` applies Unicode NFKC (full-width digits and letters become ASCII,
compatibility forms fold), removes every whitespace and invisible/format character (Unicode
categories Cf, Zs, Zl, Zp and the ASCII whitespace controls: zero-width spaces, joiners,
soft hyphens, bidirectional marks, non-breaking spaces) and writes the letters in upper case.
So ``MX123``, ``mx123``, ``Mx123``, `` MX\u200b123 `` and ``ＭＸ１２３`` are one student.
It does not validate: forms check the result against ``STUDENT_NUMBER_PATTERN``.
"""

import unicodedata

INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})


def normalise_student_number(value):
    """The canonical form of a typed student number ("" for None)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(
        char
        for char in text
        if not char.isspace() and unicodedata.category(char) not in INVISIBLE_CATEGORIES
    )
    return text.upper()
