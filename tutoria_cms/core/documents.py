"""Documents that are not for everyone: tutors' evidence and agreements' deliverables.

Each purpose has its own collection (a child of the root collection, created on first use)
with a Wagtail view restriction of type "groups": only the roles listed below (and
superusers) can download its documents, so anonymous document URLs ask for a login and
other roles are refused. A document chosen as a tutor's evidence or as an agreement's
deliverable or report is moved into its collection when the record is saved.

In the admin, the document chooser and the admin API's documents endpoint list only the
documents a person may see: none of a restricted collection whose roles they do not hold,
except those they uploaded themselves.
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
from wagtail.models import Collection, CollectionViewRestriction

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


def purpose_collection(key):
    """The collection of ``key`` (created, with its view restriction, on first use)."""
    purpose = PURPOSES[key]
    names = roles.names_in_every_language(purpose.identifier, purpose.label)
    root = Collection.get_first_root_node()
    with transaction.atomic():
        collection = root.get_children().filter(name__in=names).order_by("path").first()
        if collection is None:
            with translation.override(settings.LANGUAGE_CODE):
                collection = root.add_child(instance=Collection(name=str(purpose.label)))
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


def file_document(document, key):
    """Move ``document`` (or a document id; None is ignored) into the collection of ``key``."""
    if document is None:
        return
    if not hasattr(document, "collection_id"):
        from wagtail.documents import get_document_model

        document = get_document_model().objects.filter(pk=document).first()
        if document is None:
            return
    collection = purpose_collection(key)
    if document.collection_id != collection.pk:
        document.collection = collection
        document.save(update_fields=["collection"])


def hidden_collections_q(user):
    """A Q matching documents in collections whose view restriction ``user`` does not pass."""
    if user.is_superuser:
        return None
    user_groups = set(user.groups.values_list("pk", flat=True)) if user.is_authenticated else set()
    hidden = Q()
    found = False
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
        hidden |= Q(collection__path__startswith=restriction.collection.path)
        found = True
    return hidden if found else None


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
