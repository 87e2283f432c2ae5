"""Small public functions other apps may call (they never import this app's internals)."""

from django.db.models import Count

from .models import Attendance


def sessions_attended(student_numbers, start=None, end=None):
    """{student number: workshop sessions attended} between ``start`` and ``end`` (dates)."""
    attendance = Attendance.objects.filter(
        present=True, registration__student_number__in=list(student_numbers)
    )
    if start is not None:
        attendance = attendance.filter(session__date__gte=start)
    if end is not None:
        attendance = attendance.filter(session__date__lte=end)
    rows = attendance.values("registration__student_number").annotate(count=Count("pk"))
    return {row["registration__student_number"]: row["count"] for row in rows}
