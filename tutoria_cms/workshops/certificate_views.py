"""The public verification page of certificates: ``/certificates/verify/`` (a form) and
``/certificates/verify/<code>/`` (the link printed on the certificate).

A valid certificate of the Site's institution shows its facts; any other code (unknown,
changed, revoked, another institution's, or not even shaped like a code) gets the same
"not found or no longer valid" answer with status 404. Look-ups are rate-limited per client
address (``ratelimit.allow_certificate_lookup``). Never cached, never indexed.
"""

from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views import View
from wagtail.models import Site

from tutoria_cms.core.institutions import institution_name

from . import certificates
from .forms import CertificateCodeForm
from .ratelimit import allow_certificate_lookup

TEMPLATE = "tutoria_cms/workshops/certificates/verify.html"


class VerifyCertificateView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request, code=None):
        site = Site.find_for_request(request)
        if code is None and "code" in request.GET:
            form = CertificateCodeForm(request.GET)
            if form.is_valid():
                code = form.cleaned_data["code"]
        else:
            form = CertificateCodeForm(initial={"code": code or ""})
        context = {"form": form, "looked_up": code is not None, "certificate": None}
        status = 200
        if code is not None:
            if not allow_certificate_lookup(request):
                context["rate_limited"] = True
                status = 429
            else:
                certificate = certificates.find_valid(site, code)
                context["certificate"] = certificate
                if certificate is None:
                    status = 404
                else:
                    context["institution"] = institution_name(certificate.site)
        response = TemplateResponse(request, TEMPLATE, context, status=status)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # A revoked certificate must stop showing at once: no cache keeps the answer.
        add_never_cache_headers(response)
        return response
