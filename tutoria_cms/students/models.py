"""The link between a sign-in account and one student record of one institution."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkMethod(models.TextChoices):
    VERIFIED_EMAIL = "verified_email", _("verified e-mail address")
    SSO = "sso", _("institutional sign-in")


class StudentAccount(models.Model):
    """One user, one student record (of one institution: the record's Site).

    Made only by ``tutoria_cms.students.linking``: from a verified e-mail address equal to the
    record's, or from a claim of the institution's single sign-on. Never from a number the
    student types.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="student_account",
        verbose_name=_("user"),
    )
    record = models.OneToOneField(
        "tutoria_academics.StudentRecord",
        on_delete=models.CASCADE,
        related_name="student_account",
        verbose_name=_("student record"),
    )
    method = models.CharField(_("linked by"), max_length=20, choices=LinkMethod.choices)
    # The verified address, or "<provider id>:<subject>" of the single sign-on.
    evidence = models.CharField(_("evidence"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("student account")
        verbose_name_plural = _("student accounts")

    def __str__(self):
        return f"{self.user} → {self.record}"

    @property
    def site(self):
        return self.record.site
