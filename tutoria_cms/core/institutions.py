"""Institutions kept apart: the one scoping mechanism every app goes through.

An install serves several institutions (universities), each a Wagtail Site. Every operational
record belongs to one (``InstitutionScopedModel.site``); members of staff belong to one or more
(``InstitutionMembership``), with the roles they hold in each. A role is a Django group; a
person holds a permission *in an institution* when they hold it at all (``user.has_perm``) and
their membership there grants it (its roles include a group with the permission, or it names
no roles: then all of the person's roles apply there).

- :func:`site_ids_for` — the institutions where a person holds a permission (or belongs at all);
- :func:`scope` / :func:`institution_q` — a queryset or ``Q`` limited to them: every listing,
  inspect view, chooser, form choice, bulk action, dashboard count, indicator and export
  starts from it, so another institution's ids are simply "not found";
- :func:`scope_pages` — the same for pages (and rows of a page: workshop registrations),
  placed by the Site whose root page they are under;
- :func:`holds` — one record's institution, for action checks;
- :func:`holds_role` / :func:`roles_in` — the roles a person holds in one institution (for
  what is restricted by role rather than by permission: documents' collections);
- :func:`institution_for_new` — where a record created by a person goes.

Superusers keep their reach: every institution (they administer the install). Anonymous and
inactive users reach none. The answers are cached on the user object for the length of a
request (``_tutoria_institutions``); :func:`forget` clears them after a change.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site
from wagtail.permission_policies.sites import SitePermissionPolicy

ALL = None  # "every institution" (superusers)
CACHE_ATTRIBUTE = "_tutoria_institutions"


def institution_name(site):
    """How an institution is named to people: the site's name, else its hostname."""
    if site is None:
        return str(_("No institution"))
    return site.site_name or site.hostname


def _cache(user):
    cache = getattr(user, CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, CACHE_ATTRIBUTE, cache)
    return cache


def forget(user):
    """Drop the cached answers for ``user`` (after their memberships or groups change)."""
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)
    for attribute in (
        "_perm_cache",
        "_group_perm_cache",
        "_user_perm_cache",
        # Wagtail's page permissions and group approval tasks (institution groups).
        "_page_permission_cache",
        "_explorable_root_page_cache",
        "_group_approval_task_checks",
    ):
        if hasattr(user, attribute):
            delattr(user, attribute)


def _granting_groups(perm):
    """The ids of the groups that grant ``perm`` ("app_label.codename")."""
    app_label, codename = perm.split(".", 1)
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return set(permissions.values_list("group__id", flat=True)) - {None}


def site_ids_for(user, perm=None):
    """The ids of the institutions where ``user`` holds ``perm`` (or belongs, without one).

    :data:`ALL` (``None``) for superusers: every institution, present and future.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL
    cache = _cache(user)
    if perm in cache:
        return cache[perm]
    from .models import InstitutionMembership

    memberships = InstitutionMembership.objects.filter(user=user).prefetch_related("roles")
    if perm is None:
        ids = frozenset(m.site_id for m in memberships)
    elif not user.has_perm(perm):
        ids = frozenset()
    else:
        granting = _granting_groups(perm)
        ids = frozenset(
            m.site_id
            for m in memberships
            if not m.roles.all() or any(role.pk in granting for role in m.roles.all())
        )
    cache[perm] = ids
    return ids


def reaches_every_institution(user):
    return site_ids_for(user) is ALL


def institution_q(user, perm=None, field="site"):
    """A ``Q`` matching the rows of the institutions where ``user`` holds ``perm``.

    ``field`` is the path to the row's site (``"site"``, ``"request__site"``...).
    """
    ids = site_ids_for(user, perm)
    if ids is ALL:
        # Every row, as a condition that survives ``|`` (an empty ``Q()`` is dropped when
        # combined: ``Q() | other`` is just ``other``).
        return Q(pk__isnull=False)
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": ids})


def scope(queryset, user, perm=None, field="site"):
    """``queryset`` limited to the institutions where ``user`` holds ``perm``."""
    ids = site_ids_for(user, perm)
    if ids is ALL:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": ids})


def scope_pages(queryset, user, perm=None, path_field="path"):
    """``queryset`` of pages, or of rows that belong to a page (``path_field``: the path to the
    page's tree path, ``"workshop__path"``), limited to the pages of the institutions where
    ``user`` holds ``perm``: a page belongs to the Site whose root page it is under."""
    ids = site_ids_for(user, perm)
    if ids is ALL:
        return queryset
    roots = Site.objects.filter(pk__in=ids or []).values_list("root_page__path", flat=True)
    condition = Q(pk__in=[])
    for path in roots:
        condition |= Q(**{f"{path_field}__startswith": path})
    return queryset.filter(condition)


def holds(user, perm, site):
    """Whether ``user`` holds ``perm`` in the institution ``site`` (a Site or its id)."""
    site_id = getattr(site, "pk", site)
    ids = site_ids_for(user, perm)
    if ids is ALL:
        return bool(user.has_perm(perm)) if perm else True
    return site_id in ids


def roles_in(user, site):
    """The names of the roles (groups) ``user`` holds in the institution ``site`` (a Site or
    its id): their membership's roles there, or all their roles when it names none.

    :data:`ALL` for superusers; none without a membership there.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL
    site_id = getattr(site, "pk", site)
    cache = _cache(user)
    key = ("roles", site_id)
    if key in cache:
        return cache[key]
    from .models import InstitutionMembership

    membership = (
        InstitutionMembership.objects.filter(user=user, site_id=site_id)
        .prefetch_related("roles")
        .first()
    )
    names = frozenset()
    if membership is not None:
        held = set(user.groups.values_list("name", flat=True))
        named = {role.name for role in membership.roles.all()}
        names = frozenset(held & named if named else held)
    cache[key] = names
    return names


def holds_role(user, role_names, site):
    """Whether ``user`` holds one of ``role_names`` in the institution ``site`` (superusers:
    always)."""
    names = roles_in(user, site)
    return names is ALL or bool(names & set(role_names))


class InstitutionSitePermissionPolicy(SitePermissionPolicy):
    """Wagtail's policy of site settings (``BaseSiteSetting.get_permission_policy``), kept to
    the institutions where the person holds the permission: a role's model-wide "change"
    reaches the settings of its own institutions only, never another's."""

    def _permission_names(self, actions):
        return [self._get_permission_name(action) for action in actions]

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not super().user_has_any_permission_for_instance(user, actions, instance):
            return False
        site_id = instance.pk if isinstance(instance, Site) else instance.site_id
        return any(holds(user, perm, site_id) for perm in self._permission_names(actions))

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        ids = set()
        for perm in self._permission_names(actions):
            reached = site_ids_for(user, perm)
            if reached is ALL:
                return sites
            ids |= reached
        return sites.filter(pk__in=ids)


def sites_for(user, perm=None):
    """The Sites where ``user`` holds ``perm``, by name (for form choices and filters)."""
    ids = site_ids_for(user, perm)
    sites = Site.objects.all() if ids is ALL else Site.objects.filter(pk__in=ids or [])
    return sites.order_by("site_name", "hostname")


def institution_for_new(user, perm=None, request=None):
    """The institution a record created by ``user`` goes to, or ``None`` when it must be chosen.

    The one institution where ``user`` holds ``perm``; with several, the site of ``request``
    when ``user`` holds ``perm`` there; superusers, the request's site.
    """
    current = Site.find_for_request(request) if request is not None else None
    ids = site_ids_for(user, perm)
    if ids is ALL:
        return current or Site.objects.filter(is_default_site=True).first()
    if current is not None and current.pk in ids:
        return current
    if len(ids) == 1:
        return Site.objects.get(pk=next(iter(ids)))
    return None


def default_site():
    """The install's default site (where records with no other clue are placed)."""
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


def only_site_id():
    """The id of the install's only Site, or ``None`` when it serves several (or none)."""
    ids = list(Site.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


# Migrations ---------------------------------------------------------------------------------


def assign_sites_in_migration(apps, app_label, model_name, via=None, stdout=None):
    """Fill ``site`` of the rows of ``app_label.model_name`` that have none, in a migration.

    ``via``: the path to a page (``"programme"``) whose site places the row, or to a scoped
    parent (``"request__site"``: a path ending in ``site``). Rows with no clue go to the default
    site; the count of those is written to ``stdout`` (what could not be placed). Returns
    ``(placed, defaulted)``.
    """
    import sys

    Model = apps.get_model(app_label, model_name)
    SiteModel = apps.get_model("wagtailcore", "Site")
    rows = Model.objects.filter(site__isnull=True)
    if not rows.exists():
        return 0, 0
    sites = list(SiteModel.objects.select_related("root_page").order_by("-is_default_site", "pk"))
    if not sites:
        raise RuntimeError(
            f"{app_label}.{model_name}: rows exist but the install has no Site to place them in; "
            "create the institution's Site first, then migrate again."
        )
    default = sites[0]
    placed = defaulted = 0
    for row in rows.iterator():
        site_id = _site_id_via(row, via, sites) if via else None
        row.site_id = site_id or default.pk
        row.save(update_fields=["site"])
        if site_id:
            placed += 1
        else:
            defaulted += 1
    if defaulted:
        (stdout or sys.stdout).write(
            f"\n  {app_label}.{model_name}: {defaulted} row(s) had no programme page or parent "
            f"to place them by; assigned to the default site {default.hostname!r}."
        )
    return placed, defaulted


def _site_id_via(row, via, sites):
    value = row
    parts = via.split("__")
    for part in parts:
        value = getattr(value, part if part != "site" else "site_id", None)
        if value is None:
            return None
    if parts[-1] == "site":
        return value
    # A page: the site whose root page is its ancestor (or itself).
    path = getattr(value, "path", None)
    if not path:
        return None
    for site in sorted(sites, key=lambda s: -len(s.root_page.path)):
        if path.startswith(site.root_page.path):
            return site.pk
    return None


# Signals ------------------------------------------------------------------------------------


def give_membership_roles(sender, instance, action, pk_set, **kwargs):
    """A role given in a membership is one of the person's roles (their groups), so that the
    admin shows its menus; it applies only where a membership grants it."""
    if action == "post_add" and pk_set:
        instance.user.groups.add(*pk_set)
        forget(instance.user)


def connect_signals():
    from django.db.models.signals import m2m_changed

    from .models import InstitutionMembership

    m2m_changed.connect(
        give_membership_roles,
        sender=InstitutionMembership.roles.through,
        dispatch_uid="tutoria_give_membership_roles",
    )
