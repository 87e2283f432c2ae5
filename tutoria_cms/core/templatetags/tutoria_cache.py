"""``{% tutoria_fragment %}``: a part of a public page kept in the cache until content changes.

    {% load tutoria_cache %}
    {% tutoria_fragment "tutor-cards" page.pk when=is_cacheable %}
      ... the tutors' cards ...
    {% endtutoria_fragment %}

The rendered HTML is kept with :func:`tutoria_cms.core.page_cache.cached`, under the content
generation (so publishing a page, changing a snippet or a setting makes it unreachable at
once), the name, the parts given and the active language. With ``when=``, the part is
rendered without the cache unless the condition holds (a filtered list, a bound form: what
depends on what a visitor typed is never a key). A preview of a draft never reads nor writes
a fragment (its page has the live page's key).

Only parts whose HTML is the same for every visitor of that page and language belong in a
fragment: never a form with a CSRF token, a CSP nonce, the visitor's name or messages.
Unlike the page cache, fragments also serve signed-in visitors, so they hold public content
only.
"""

import hashlib

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from ..page_cache import cached, shares_fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, when):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.when = when

    def render(self, context):
        if not shares_fragments(context.get("request")) or (
            self.when is not None and not self.when.resolve(context)
        ):
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        parts = repr([str(part.resolve(context)) for part in self.parts])
        # Hashed: a part may hold spaces or accents, which some caches refuse in keys.
        digest = hashlib.sha256(parts.encode()).hexdigest()[:20]
        language = translation.get_language() or ""
        html = cached(
            "fragment",
            name,
            language,
            digest,
            compute=lambda: str(self.nodelist.render(context)),
        )
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)


@register.tag("tutoria_fragment")
def tutoria_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' needs a name: {{% {bits[0]} \"name\" part... [when=condition] %}}"
        )
    nodelist = parser.parse(("endtutoria_fragment",))
    parser.delete_first_token()
    when = None
    parts = []
    for bit in bits[2:]:
        if bit.startswith("when="):
            when = parser.compile_filter(bit.removeprefix("when="))
        else:
            parts.append(parser.compile_filter(bit))
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), parts, when)
