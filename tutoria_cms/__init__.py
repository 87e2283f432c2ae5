"""tutoria-cms: a Wagtail plugin suite for university tutoring programmes."""

__version__ = "0.1.0"
