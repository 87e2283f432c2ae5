"""Wiring only: the programmes' evidence sheets for accreditation workbooks."""

from wagtail import hooks


@hooks.register("register_tutoria_evidence")
def programme_evidence():
    from .evidence import ProgrammesSource

    return ProgrammesSource()
