"""The example site's Content-Security-Policy middleware (django-csp 4)."""

from csp.middleware import CSPMiddleware


class NonceCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the nonce made for every request.

    django-csp puts ``'nonce-…'`` in the header only when a template read
    ``request.csp_nonce``; templates rendered later (an error page, a cached fragment) would
    then name a nonce the header lacks. Made up front, every response's script-src carries
    the nonce its templates print.
    """

    def process_request(self, request):
        super().process_request(request)
        str(request.csp_nonce)
