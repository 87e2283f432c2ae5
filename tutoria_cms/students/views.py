"""The student's placeholder area: who is signed in and which record the account is linked to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tutoria_cms.core.institutions import institution_name

from .linking import NOT_LINKED, account_of, site_for


@require_safe
@login_required
def my_area(request):
    account = account_of(request.user)
    return render(
        request,
        "tutoria_students/my_area.html",
        {
            "student_account": account,
            "institution": institution_name(account.site) if account else None,
            "current_institution": institution_name(site_for(request)),
            "not_linked": NOT_LINKED,
        },
    )
