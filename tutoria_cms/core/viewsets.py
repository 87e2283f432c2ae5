"""Shared pieces for the suite's Wagtail viewsets."""


class ReadOnlyViewSetMixin:
    """A model (or snippet) viewset whose records are changed only through services.

    Wagtail's generic write views are not routed, and no view links to them:

    - ``routed_views``: the names of Wagtail's own URL patterns kept (index, inspect,
      history...); every other generic pattern (add, edit, delete, copy...) is dropped;
    - ``write_views``: the views whose URL names are nulled in every view's context, so no
      button or link points at a URL that does not exist;
    - no admin URL finder: it would point at the missing edit view;
    - ``get_action_urlpatterns()``: the viewset's own action views (POST forms that call the
      app's services), added after the kept patterns.
    """

    routed_views = frozenset(
        {"index", "index_results", "inspect", "history", "history_results", "usage"}
    )
    write_views = ("add", "edit", "delete", "copy")
    # Wagtail builds every generic view before the unrouted ones are dropped, and its add
    # and edit views need a form class: an empty one, never shown.
    form_fields = []

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name in self.write_views:
            view_kwargs[f"{view_name}_url_name"] = None
        return view_kwargs

    def register_admin_url_finder(self):
        pass

    def get_action_urlpatterns(self):
        return []

    def get_urlpatterns(self):
        kept = [p for p in super().get_urlpatterns() if p.name in self.routed_views]
        return kept + self.get_action_urlpatterns()
