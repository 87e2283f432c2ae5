"""Students' sign-in on their institution's public site (django-allauth).

A student account is linked to one student record of one institution (the Wagtail Site),
only through a verified e-mail address or the institution's single sign-on: never through a
number the student types (docs/privacy.md, "Student accounts").
"""
