"""Wiring only: the "Evidence records" menu group of the installed apps' listings."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from .admins import evidence_admins


class EvidenceRecordsGroup(ModelAdminGroup):
    menu_label = _("Evidence records")
    menu_icon = "folder-open-inverse"
    menu_order = 850
    items = tuple(evidence_admins())


modeladmin_register(EvidenceRecordsGroup)
