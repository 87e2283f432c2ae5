"""Admin upload of academic records: upload, preview (a dry run), confirm. All or nothing.

The file is parsed (validated) before it is stored; it is then kept, until the preview is
confirmed, in the private storage (``STORAGES["tutoria_private"]``) as ``<uuid>.xlsx`` or
``<uuid>.csv`` after what it really is, whatever the uploader called it. An upload never
confirmed is deleted by ``manage.py purge_tutoria_files`` after ``IMPORT_PREVIEW_HOURS``.
"""

import uuid
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tutoria_cms.core import institutions
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.storage import private_storage
from tutoria_cms.core.views import AdminPageMixin

from .forms import ImportUploadForm
from .importer import KIND_LABELS, ImportRefused, real_suffix
from .services import UPLOAD_DIR, import_academics

PERMISSION = "tutoria_academics.import_academics"
SESSION_KEY = "tutoria_academics_import"


def can_import(user):
    return user.is_active and user.has_perm(PERMISSION)


def summary_rows(result):
    return [(KIND_LABELS[kind], counts) for kind, counts in result.summary().items()]


class ImportView(AdminPageMixin, View):
    """Two steps that do not fit the suite's one-form page (a preview table, then its own
    confirmation form): Wagtail's admin chrome (breadcrumbs header), its own template."""

    template_name = "tutoria_cms/academics/admin/import.html"
    page_title = gettext_lazy("Import academic records")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, request, *args):
        return ImportUploadForm(*args, user=request.user, permission=PERMISSION, request=request)

    def render(self, request, **context):
        context.setdefault("form", self.form(request))
        return self.render_to_response(self.get_context_data(**context))

    def get(self, request):
        return self.render(request)

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = self.form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        site = form.institution()
        if site is None:
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        if upload.size > tutoria_settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                % {"size": upload.size, "limit": tutoria_settings.IMPORT_MAX_BYTES},
            )
            return self.render(request, form=form)
        name = PurePath(upload.name).name
        data = upload.read()
        try:
            result = import_academics(name, data, site=site, user=request.user, dry_run=True)
        except ImportRefused as refused:
            return self.render(request, form=form, errors=refused.errors, filename=name)
        token = uuid.uuid4().hex
        stored = private_storage().save(
            f"{UPLOAD_DIR}/{token}{real_suffix(data)}", ContentFile(data)
        )
        request.session[SESSION_KEY] = {
            "token": token,
            "path": stored,
            "name": name,
            "site": site.pk,
        }
        return self.render(
            request,
            preview=summary_rows(result),
            filename=name,
            token=token,
            institution=institutions.institution_name(site),
        )

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if (
            not pending
            or pending["token"] != request.POST.get("token")
            or not institutions.holds(request.user, PERMISSION, pending.get("site"))
        ):
            messages.error(request, _("The preview has expired: upload the file again."))
            return redirect(reverse("tutoria_academics_import"))
        storage = private_storage()
        del request.session[SESSION_KEY]
        try:
            with storage.open(pending["path"], "rb") as stored:
                data = stored.read()
        except FileNotFoundError:  # deleted by purge_tutoria_files
            messages.error(request, _("The preview has expired: upload the file again."))
            return redirect(reverse("tutoria_academics_import"))
        storage.delete(pending["path"])
        try:
            result = import_academics(
                pending["name"], data, site=pending["site"], user=request.user
            )
        except ImportRefused as refused:  # the records changed since the preview
            return self.render(request, errors=refused.errors, filename=pending["name"])
        counts = ", ".join(
            _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"kind": label, **row}
            for label, row in summary_rows(result)
        )
        messages.success(request, _("Import complete. %(counts)s") % {"counts": counts})
        return redirect(reverse("tutoria_academics_import"))
