"""The student area's "E-mail notices" section: which optional e-mails the student takes
(``StudentAccount.email_news``; the decision on a request is always sent)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import StudentAccount

SLUG = "notices"


class EmailNewsForm(forms.ModelForm):
    class Meta:
        model = StudentAccount
        fields = ["email_news"]


def preferences(page, request):
    account = request.student_account
    form = EmailNewsForm(request.POST if request.method == "POST" else None, instance=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice is saved."))
        return redirect(page.get_url(request) + f"{SLUG}/")
    return page.render_section(
        request,
        SLUG,
        "tutoria_cms/students/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def summary(request):
    if request.student_account.email_news:
        return _("You receive news by e-mail.")
    return _("You receive only the decisions on your requests by e-mail.")


urlpatterns = [path("", preferences, name=SLUG)]
