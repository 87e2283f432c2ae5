from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File exported by the academic system"),
        help_text=_("A .csv or .xlsx file. Nothing is saved until you confirm the preview."),
    )
