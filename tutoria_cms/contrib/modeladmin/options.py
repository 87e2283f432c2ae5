"""The read-only machinery of the evidence browser, on wagtail-modeladmin.

- :class:`ReadOnlyPermissionHelper`: listing and inspecting need ``browse_evidence``; adding,
  editing and deleting are refused to everybody, superusers included.
- :class:`EvidenceModelAdmin`: a ModelAdmin whose create, edit and delete URLs answer 403
  without running any form code, with no history view (modeladmin's checks no permission),
  no admin URL finder (the apps' own views keep their links) and no reference indexing.
  Query-string lookups other than the declared filters are ignored (they would let a reader
  probe fields the listing does not show, confidential ones included).
- Student identifiers follow the evidence workbooks' rule: pseudonymised unless the user holds
  ``tutoria_accreditation.export_identified``.
- Each listing exports what it shows, filtered and searched, as .xlsx through
  :mod:`tutoria_cms.core.xlsx` (``?export=xlsx``), logged as a :class:`~.models.ListingExport`.
"""

import logging
import tempfile

from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import label_for_field
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from tutoria_cms.core import institutions
from tutoria_cms.core.display import readable
from tutoria_cms.core.history import m2m_changes
from tutoria_cms.core.pseudonyms import Pseudonymiser
from tutoria_cms.core.text import search_query
from tutoria_cms.core.xlsx import XlsxWriter

from .models import ListingExport

logger = logging.getLogger(__name__)

BROWSE_PERMISSION = "tutoria_modeladmin.browse_evidence"
# The same permission as accreditation's identified workbooks (tutoria_cms.accreditation is
# not imported: the browser works without it, and then nobody but superusers holds it).
IDENTIFIED_PERMISSION = "tutoria_accreditation.export_identified"
EXPORT_VAR = "export"
EXPORT_CHUNK = 2000


def can_browse(user):
    return bool(user is not None and user.is_active and user.has_perm(BROWSE_PERMISSION))


def sees_identified(user):
    return bool(user is not None and user.is_active and user.has_perm(IDENTIFIED_PERMISSION))


class ReadOnlyPermissionHelper(PermissionHelper):
    """Browse (list, inspect) with ``browse_evidence``; never add, edit or delete."""

    def get_all_model_permissions(self):
        app_label, codename = BROWSE_PERMISSION.split(".")
        return Permission.objects.filter(content_type__app_label=app_label, codename=codename)

    def user_can_list(self, user):
        return can_browse(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and can_browse(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_unpublish_obj(self, user, obj):
        return False

    def user_can_copy_obj(self, user, obj):
        return False


class Privacy:
    """How student identifiers are shown to one user (one instance per request)."""

    def __init__(self, user):
        self.identified = sees_identified(user)
        self.pseudonymiser = Pseudonymiser()

    def student(self, number):
        if not number:
            return ""
        return number if self.identified else self.pseudonymiser(number)


def display(description, order_field=None):
    """Label (and sort field) of a column computed by a ModelAdmin method."""

    def decorate(method):
        method.short_description = description
        if order_field:
            method.admin_order_field = order_field
        return method

    return decorate


class NoAdminSite:
    """Stands in for Django's admin site, which related-field filters ask for the related
    model's ordering (``django.contrib.admin`` is not installed: the models' own ordering)."""

    def get_model_admin(self, model):
        raise NotRegistered(model)


class EvidenceIndexView(IndexView):
    """The listing, with lookups restricted to the declared filters, and its .xlsx export."""

    def dispatch(self, request, *args, **kwargs):
        self.privacy = Privacy(request.user)
        if self.SEARCH_VAR in request.GET:
            # Whatever was typed (a NUL makes PostgreSQL refuse the query): searched as text.
            request.GET = request.GET.copy()
            request.GET[self.SEARCH_VAR] = search_query(request.GET[self.SEARCH_VAR])
        return super().dispatch(request, *args, **kwargs)

    def get_filters(self, request):
        specs, has_filters, remaining, use_distinct = super().get_filters(request)
        # Anything the filters did not consume would be applied as a raw ORM lookup.
        return specs, has_filters, {}, use_distinct

    @cached_property
    def export_url(self):
        return self.get_query_string({EXPORT_VAR: "xlsx"})

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if spreadsheet_format != "xlsx":
            raise Http404
        return self.model_admin.export_listing(self, queryset)

    def get_template_names(self):
        return ["tutoria_cms/modeladmin/index.html"]


class EvidenceInspectView(InspectView):
    """The record's fields (as the ModelAdmin names them) and its history rows."""

    def dispatch(self, request, *args, **kwargs):
        # Another institution's record is not found (the listing's rows are the reader's).
        if not self.model_admin.get_queryset(request).filter(pk=self.instance.pk).exists():
            raise Http404
        self.privacy = Privacy(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        # Not str(instance): some models put a student number in it.
        return f"{capfirst(self.verbose_name)} #{self.instance.pk}"

    def get_field_label(self, field_name, field=None):
        return self.model_admin.column_label(field_name)

    def get_field_display_value(self, field_name, field=None):
        value = self.model_admin.column_value(field_name, self.instance, self.privacy)
        if value is None or value == "":
            return self.model_admin.get_empty_value_display(field_name)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value

    def get_fields_dict(self):
        return [
            self.get_dict_for_field(name)
            for name in self.model_admin.get_inspect_fields(self.request.user)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history_headers"], context["history_rows"] = self.model_admin.history_table(
            self.instance, self.privacy
        )
        return context

    def get_template_names(self):
        return ["tutoria_cms/modeladmin/inspect.html"]


class EvidenceModelAdmin(ModelAdmin):
    """Base of the browser's ModelAdmins: read-only, privacy-aware, exportable.

    Subclasses set ``list_display`` (with ``"student"`` where a student identifier goes),
    ``inspect_view_fields``, ``history_fields`` (fields of the history rows besides date,
    user and change), ``history_m2m_fields`` (many-to-many fields the model's history
    tracks, ``HistoricalRecords(m2m_fields=...)``: a column says what each row added and
    removed; their related objects must not identify students) and ``export_fields``
    (defaults to the listing's columns).
    """

    permission_helper_class = ReadOnlyPermissionHelper
    index_view_class = EvidenceIndexView
    inspect_view_class = EvidenceInspectView
    inspect_view_enabled = True
    history_view_enabled = False
    list_per_page = 50
    history_fields = ()
    history_m2m_fields = ()
    export_fields = None
    identified_search_fields = ()
    # Where a row's institution is (core/institutions.py): the path to its Site ("site"), or,
    # for rows of a page, to the page's tree path (``institution_page_path``).
    institution_field = "site"
    institution_page_path = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.admin_site = NoAdminSite()

    # Read only: these URLs exist (so that they answer), but only ever refuse.
    def create_view(self, request):
        raise PermissionDenied

    def edit_view(self, request, instance_pk):
        raise PermissionDenied

    def delete_view(self, request, instance_pk):
        raise PermissionDenied

    def choose_parent_view(self, request):
        raise PermissionDenied

    def register_admin_url_finders(self):
        """Keep the apps' own admin URL finders (their edit links elsewhere in the admin)."""

    def register_indexing(self):
        """No reference indexing: the browser adds no relations."""

    def get_queryset(self, request):
        """The rows of the reader's institutions only (listing, inspect, export)."""
        queryset = super().get_queryset(request)
        if self.institution_page_path:
            return institutions.scope_pages(
                queryset, request.user, path_field=self.institution_page_path
            )
        queryset = institutions.scope(queryset, request.user, field=self.institution_field)
        return queryset if self.institution_field == "site" else queryset.distinct()

    def get_search_fields(self, request):
        fields = tuple(self.search_fields or ())
        # Searching by student number would re-identify pseudonymised rows.
        if sees_identified(request.user):
            fields += tuple(self.identified_search_fields)
        return fields

    # Columns ---------------------------------------------------------------------------------

    def student_number_of(self, obj):
        """The raw student number of ``obj`` (models with a student override this)."""
        return ""

    def pseudonym_of(self, obj, pseudonymiser):
        """The pseudonym shown for ``obj``'s student. Models whose rows are not always the
        student's (a workshop sign-up typed by anyone) override this."""
        return pseudonymiser(self.student_number_of(obj))

    @display(gettext_lazy("student (pseudonym)"))
    def student_pseudonym(self, obj):
        return self.pseudonym_of(obj, Pseudonymiser())

    @display(gettext_lazy("student number"))
    def student_number(self, obj):
        return self.student_number_of(obj)

    def resolve_columns(self, names, user):
        """``names`` with ``"student"`` replaced by the column this user may see."""
        student = "student_number" if sees_identified(user) else "student_pseudonym"
        return tuple(student if name == "student" else name for name in names)

    def get_list_display(self, request):
        return self.resolve_columns(self.list_display, request.user)

    def get_export_fields(self, request):
        return self.resolve_columns(self.export_fields or self.list_display, request.user)

    def get_inspect_fields(self, user):
        return self.resolve_columns(self.inspect_view_fields, user)

    def column_label(self, name):
        return capfirst(force_str(label_for_field(name, model=self.model, model_admin=self)))

    def column_value(self, name, obj, privacy):
        """The raw value of column ``name`` (a method of this class or a field of the model)."""
        if name == "student_pseudonym":  # one pseudonymiser per request, not per row
            return self.pseudonym_of(obj, privacy.pseudonymiser)
        if name == "student_number":
            return privacy.student(self.student_number_of(obj))
        method = getattr(self, name, None)
        if callable(method):
            return method(obj)
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return getattr(obj, name)
        if field.choices:
            return getattr(obj, f"get_{name}_display")()
        value = getattr(obj, name)
        if field.is_relation:
            if field.many_to_many:
                return ", ".join(str(item) for item in value.all())
            return "" if value is None else str(value)
        return value

    # History ---------------------------------------------------------------------------------

    def history_records(self, instance):
        history = getattr(type(instance), "history", None)
        if history is None:
            return []
        return (
            history.model.objects.filter(**{self.model._meta.pk.attname: instance.pk})
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )

    def history_reason(self, reason, privacy):
        """A history row's change reason as ``privacy``'s user may read it (subclasses
        translate action codes and withhold free text the evidence workbooks withhold)."""
        return reason

    def history_table(self, instance, privacy):
        """Headers and rows of the record's history: when, who, what, the listed fields."""
        records = self.history_records(instance)
        history_model = getattr(records, "model", None)
        if history_model is None:
            return [], []
        headers = [_("Date"), _("User"), _("Change")]
        headers += [
            capfirst(force_str(history_model._meta.get_field(name).verbose_name))
            for name in self.history_fields
        ]
        if self.history_m2m_fields:
            headers.append(_("Related records"))
            records = list(records)
            related = [m2m_changes(self.model, name, records) for name in self.history_m2m_fields]
        headers.append(_("Reason"))
        kinds = {
            "+": pgettext("history change", "Created"),
            "~": pgettext("history change", "Changed"),
            "-": pgettext("history change", "Deleted"),
        }
        rows = []
        for record in records:
            row = [
                timezone.localtime(record.history_date),
                record.history_user.get_username() if record.history_user else "",
                kinds.get(record.history_type, record.history_type),
            ]
            for name in self.history_fields:
                field = history_model._meta.get_field(name)
                if field.choices:
                    row.append(getattr(record, f"get_{name}_display")())
                else:
                    row.append(readable(getattr(record, name)))
            if self.history_m2m_fields:
                changes = [str(c[record.history_id]) for c in related if record.history_id in c]
                row.append(" · ".join(changes))
            row.append(self.history_reason(record.history_change_reason or "", privacy))
            rows.append(row)
        return headers, rows

    # Export ----------------------------------------------------------------------------------

    def export_filename(self):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{slugify(str(self.opts.verbose_name_plural))}-{stamp}.xlsx"

    def export_listing(self, view, queryset):
        """Stream ``queryset`` (the view's filtered, searched listing) into an .xlsx file."""
        request = view.request
        privacy = view.privacy
        names = list(self.get_export_fields(request))
        headers = [_("Id")] + [self.column_label(name) for name in names]
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the FileResponse
        book = XlsxWriter(handle)
        sheet = book.sheet(capfirst(str(self.opts.verbose_name_plural)), headers)
        value = self.column_value
        rows = (
            [obj.pk] + [value(name, obj, privacy) for name in names]
            for obj in queryset.iterator(chunk_size=EXPORT_CHUNK)
        )
        written = sheet.write_rows(rows)
        book.save()
        handle.seek(0)
        filters = {
            key: values if len(values) > 1 else values[0]
            for key, values in view.get_filters_params().items()
        }
        ListingExport.objects.create(
            user=request.user,
            username=request.user.get_username(),
            listing=self.opts.label_lower,
            filters=filters,
            search=view.query[:255],
            identified=privacy.identified,
            rows=written,
        )
        logger.info(
            "Evidence listing %s exported by %s (%d rows, identified=%s), filters %s, search %r",
            self.opts.label_lower,
            request.user.get_username(),
            written,
            privacy.identified,
            filters,
            view.query,
        )
        return FileResponse(
            handle,
            as_attachment=True,
            filename=self.export_filename(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


__all__ = [
    "BROWSE_PERMISSION",
    "EvidenceModelAdmin",
    "ReadOnlyPermissionHelper",
    "can_browse",
    "display",
    "sees_identified",
]
