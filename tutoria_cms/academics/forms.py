from django import forms
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions


class ImportUploadForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=None,
        help_text=_("The institution whose records the file holds."),
    )
    file = forms.FileField(
        label=_("File exported by the academic system"),
        help_text=_("A .csv or .xlsx file. Nothing is saved until you confirm the preview."),
    )

    def __init__(self, *args, user=None, permission=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = institutions.sites_for(user, permission)
        self.fields["site"].queryset = sites
        if len(sites) > 1:
            self.fields["site"].initial = institutions.institution_for_new(
                user, permission, request
            )
        else:
            # One institution (or none: nothing to import into): no choice to make.
            del self.fields["site"]
            self.only_site = sites.first()

    def institution(self):
        if "site" in self.fields:
            return self.cleaned_data["site"]
        return self.only_site
