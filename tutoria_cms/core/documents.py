"""Documents that are not for everyone: tutors' evidence and agreements' deliverables.

They belong to the institution of their record (the tutor profile's site, the agreement's
``site``). Each institution has its collection (a child of the root collection named after
it) and, inside it, one collection per purpose (created on first use) with a Wagtail view
restriction of type "groups": only the roles listed below (and superusers) pass it, so
anonymous document URLs ask for a login and other roles are refused. On top of it, the
``before_serve_document`` hook (``core.wagtail_hooks``) requires the role *in that
institution* (:func:`tutoria_cms.core.institutions.holds_role`): a coordinator of one
institution cannot download another's. ``InstitutionCollection`` ties each collection to its
institution. A document chosen as a tutor's evidence or as an agreement's deliverable or report
is moved into its institution's collection when the record is saved.

In the admin, the document chooser, the documents listing and the admin API's documents
endpoint list only the documents a person may see: none of a restricted collection whose roles
they do not hold (there), except those they uploaded themselves.

The files themselves are in private storage with the example site's document model
(``sites.documents``): see docs/privacy.md.
"""

import dataclasses

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.documents.api.admin.views import (
    DocumentsAdminAPIViewSet as BaseDocumentsAdminAPIViewSet,
)
from wagtail.models import Collection, CollectionViewRestriction, Site

from . import roles


@dataclasses.dataclass(frozen=True)
class Purpose:
    identifier: str  # the collection's name as found in any language
    label: object  # translated name the collection is created with
    roles: tuple


TUTOR_EVIDENCE = "tutor_evidence"
AGREEMENT_DOCUMENTS = "agreement_documents"

PURPOSES = {
    TUTOR_EVIDENCE: Purpose(
        "Tutors' evidence", _("Tutors' evidence"), (roles.TUTORS, roles.COORDINATION)
    ),
    AGREEMENT_DOCUMENTS: Purpose(
        "Agreements' documents",
        _("Agreements' documents"),
        (roles.COORDINATION, roles.BOARD, roles.QUALITY),
    ),
}


def _site_id(site):
    if site is None:
        from .institutions import default_site

        site = default_site()
    return getattr(site, "pk", site)


def _site_language(site_id):
    """The language of the institution's site (its root page's locale), for collection
    names."""
    site = Site.objects.select_related("root_page__locale").filter(pk=site_id).first()
    locale = getattr(getattr(site, "root_page", None), "locale", None)
    return getattr(locale, "language_code", None) or settings.LANGUAGE_CODE


def institution_collection(site):
    """The collection of the institution ``site`` (a child of the root, created on first
    use)."""
    from .institutions import institution_name
    from .models import InstitutionCollection

    site_id = _site_id(site)
    row = InstitutionCollection.objects.filter(site_id=site_id, purpose="").first()
    if row is not None:
        return row.collection
    site = Site.objects.get(pk=site_id)
    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name=institution_name(site)))
    InstitutionCollection.objects.create(site=site, purpose="", collection=collection)
    return collection


def purpose_collection(key, site=None):
    """The collection of ``key`` in the institution ``site`` (default: the default site),
    created with its view restriction on first use."""
    from .models import InstitutionCollection

    purpose = PURPOSES[key]
    site_id = _site_id(site)
    with transaction.atomic():
        row = (
            InstitutionCollection.objects.filter(site_id=site_id, purpose=key)
            .select_related("collection")
            .first()
        )
        if row is not None:
            collection = row.collection
        else:
            parent = institution_collection(site_id)
            with translation.override(_site_language(site_id)):
                collection = parent.add_child(instance=Collection(name=str(purpose.label)))
            InstitutionCollection.objects.create(
                site_id=site_id, purpose=key, collection=collection
            )
        restriction = CollectionViewRestriction.objects.filter(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        ).first()
        if restriction is None:
            restriction = CollectionViewRestriction.objects.create(
                collection=collection, restriction_type=CollectionViewRestriction.GROUPS
            )
            restriction.groups.set(
                [Group.objects.get_or_create(name=name)[0] for name in purpose.roles]
            )
    return collection


def file_document(document, key, site=None):
    """Move ``document`` (or a document id; None is ignored) into the collection of ``key``
    in the institution ``site``."""
    if document is None:
        return
    if not hasattr(document, "collection_id"):
        from wagtail.documents import get_document_model

        document = get_document_model().objects.filter(pk=document).first()
        if document is None:
            return
    collection = purpose_collection(key, site)
    if document.collection_id != collection.pk:
        document.collection = collection
        document.save(update_fields=["collection"])


def _institution_rows():
    from .models import InstitutionCollection

    return InstitutionCollection.objects.exclude(purpose="").select_related("collection")


def _passes(user, row):
    from .institutions import holds_role

    purpose = PURPOSES.get(row.purpose)
    if purpose is None:
        return bool(user.is_superuser)
    return holds_role(user, purpose.roles, row.site_id)


def may_download(user, document):
    """Whether ``user`` holds, in the document's institution, a role of its purpose (always
    true of a document outside the institutions' purpose collections: Wagtail's view
    restrictions apply to it as usual)."""
    if user.is_superuser:
        return True
    path = document.collection.path
    return all(
        _passes(user, row) for row in _institution_rows() if path.startswith(row.collection.path)
    )


def hidden_collections_q(user):
    """A Q matching documents in collections whose view restriction ``user`` does not pass,
    or whose institution's roles they do not hold there.

    It names the collections by id (their subtrees resolved here), not by tree path: Wagtail
    searches the filtered queryset (choosers, the admin API) and its search index filters on
    ``collection`` only; a path filter made every document search a server error."""
    if user.is_superuser:
        return None
    user_groups = set(user.groups.values_list("pk", flat=True)) if user.is_authenticated else set()
    paths = []
    restrictions = CollectionViewRestriction.objects.select_related("collection").prefetch_related(
        "groups"
    )
    for restriction in restrictions:
        if restriction.restriction_type == CollectionViewRestriction.LOGIN and (
            user.is_authenticated
        ):
            continue
        if restriction.restriction_type == CollectionViewRestriction.GROUPS and user_groups & {
            group.pk for group in restriction.groups.all()
        }:
            continue
        paths.append(restriction.collection.path)
    for row in _institution_rows():
        if not _passes(user, row):
            paths.append(row.collection.path)
    if not paths:
        return None
    subtrees = Q()
    for path in paths:
        subtrees |= Q(path__startswith=path)
    return Q(
        collection_id__in=list(Collection.objects.filter(subtrees).values_list("pk", flat=True))
    )


def visible_documents(queryset, user):
    """``queryset`` without the documents ``user`` may not see (their own uploads stay)."""
    hidden = hidden_collections_q(user)
    if hidden is None:
        return queryset
    if user.is_authenticated:
        return queryset.filter(~hidden | Q(uploaded_by_user=user))
    return queryset.exclude(hidden)


def permitted_documents(user):
    """Documents ``user`` may work with in the admin (a permission on their collection) and
    may see (their view restriction)."""
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    documents = policy.instances_user_has_any_permission_for(
        user, ["add", "change", "delete", "choose"]
    )
    return visible_documents(documents, user)


class DocumentsAdminAPIViewSet(BaseDocumentsAdminAPIViewSet):
    """The admin API's documents: only those the requesting person may see."""

    def get_queryset(self):
        allowed = permitted_documents(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=allowed)


def document_permission_policy():
    """Wagtail's document permission policy, with the documents a person may not see left
    out: the admin's documents listing, edit and delete views, bulk actions and chooser go
    through it. Registered for the document model in ``TutoriaCoreConfig.ready``."""
    from wagtail.documents import get_document_model_string
    from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

    class VisibleDocumentsPermissionPolicy(CollectionOwnershipPermissionPolicy):
        def user_has_any_permission_for_instance(self, user, actions, instance):
            return super().user_has_any_permission_for_instance(user, actions, instance) and (
                hidden_collections_q(user) is None
                or visible_documents(self.model.objects.filter(pk=instance.pk), user).exists()
            )

        def instances_user_has_any_permission_for(self, user, actions):
            return visible_documents(
                super().instances_user_has_any_permission_for(user, actions), user
            )

    return VisibleDocumentsPermissionPolicy(
        get_document_model_string(),
        auth_model="wagtaildocs.Document",
        owner_field_name="uploaded_by_user",
    )
