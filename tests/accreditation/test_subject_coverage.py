"""Subject access covers every model that refers to a student.

A model refers to a student when it has a student-number field, a relation to the student
record, or a relation to a model that refers to a student (a session of a request of the
student, a check-in of their mentoring pair...). Each must be declared by some app's
subject-data hook (``core.evidence.covers``): adding such a model without writing it into
the subject-access workbook fails here.
"""

from django.apps import apps

from tutoria_cms.core.evidence import covered_models

STUDENT_RECORD = "tutoria_academics.StudentRecord"


def _relations(model):
    return [
        field.related_model
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one or field.many_to_many)
    ]


def models_referring_to_students():
    """Every installed model that refers to a student, directly or through other records."""
    models = apps.get_models(include_auto_created=True)
    found = {apps.get_model(STUDENT_RECORD)}
    found |= {
        model
        for model in models
        if any(field.name == "student_number" for field in model._meta.concrete_fields)
    }
    grown = True
    while grown:
        grown = False
        for model in models:
            if model not in found and any(related in found for related in _relations(model)):
                found.add(model)
                grown = True
    return found


def _owner(model):
    """The model a history table or an automatic many-to-many table belongs to (history
    tables keep earlier versions of a covered record: the workbook writes the current
    values, and a request's state history; see docs/privacy.md)."""
    base = getattr(model, "instance_type", None)  # simple-history's historical models
    if base is not None:
        return _owner(base)
    if model._meta.auto_created:  # the through table of a ManyToManyField
        return model._meta.auto_created
    return model


def test_every_model_referring_to_a_student_is_in_the_subject_access_workbook():
    covered = covered_models()
    missing = sorted(
        model._meta.label
        for model in models_referring_to_students()
        if _owner(model)._meta.label not in covered
    )
    assert missing == [], (
        "Models that refer to a student but no app's subject-data hook covers "
        "(write their rows in its subject.py and declare them with core.evidence.covers): "
        f"{missing}"
    )


def test_the_walk_finds_indirect_references():
    """The control of the test above: records two relations away from the student are found,
    history and many-to-many tables are attributed to their owner."""
    labels = {model._meta.label for model in models_referring_to_students()}
    assert {
        "tutoria_requests.TutoringRequest",  # student FK
        "tutoria_requests.TutoringSession",  # through the request
        "tutoria_requests.ClassSession",  # class ← m2m requests ← student
        "tutoria_mentoring.CheckIn",  # pair ← participant ← student
        "tutoria_workshops.WorkshopRegistration",  # student number field
        "tutoria_workshops.Attendance",  # through the registration
    } <= labels
    assert "tutoria_academics.Term" not in labels  # referred to by records, not referring
    history = apps.get_model("tutoria_requests", "HistoricalTutoringRequest")
    assert _owner(history)._meta.label == "tutoria_requests.TutoringRequest"
    members = apps.get_model("tutoria_requests", "HistoricalStudentGroup_members")
    assert _owner(members)._meta.label == "tutoria_requests.StudentGroup"


def test_declared_models_exist():
    """A typo in a declaration would cover nothing."""
    for label in covered_models():
        assert apps.get_model(label) is not None
