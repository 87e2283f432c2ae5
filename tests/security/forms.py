"""What a browser would post back: the fields of the page's form that posts to a URL."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


class _FormParser(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.in_form = False
        self.found = False
        self.data = []
        self.textarea = None
        self.select = None  # [name, multiple, options [(value, selected)]]
        self.option = None

    def _posts_here(self, attrs):
        if (attrs.get("method") or "get").lower() != "post":
            return False
        action = attrs.get("action")
        return not action or urlsplit(action).path == self.path

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found and self._posts_here(attrs):
            self.in_form = self.found = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value") or "on"))
                return
            self.data.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, "multiple" in attrs, []]
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select[2].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            values = [
                (value if value is not None else text)
                for value, selected, text in options
                if selected
            ]
            if not values and options and not multiple:
                value, _selected, text = options[0]
                values = [value if value is not None else text]
            self.data.extend((name, value) for value in values)
            self.select = None


def form_data(html, url, drop=("csrfmiddlewaretoken",)):
    """The fields (a dict of lists) of the first form of ``html`` posting to ``url``, or
    None when there is none."""
    parser = _FormParser(urlsplit(url).path)
    parser.feed(html)
    if not parser.found:
        return None
    data = {}
    for name, value in parser.data:
        if name not in drop:
            data.setdefault(name, []).append(value)
    return data


class _SubmitParser(HTMLParser):
    """The POST forms of a page (``action`` path, or "" for the page itself) and how many
    submit controls each has: buttons or inputs of type submit/image inside it, or outside
    it naming it in their ``form`` attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [form id, action path, submit controls]
        self.current = None
        self.by_id = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.current = [attrs.get("id"), urlsplit(attrs.get("action") or "").path, 0]
                self.forms.append(self.current)
                if attrs.get("id"):
                    self.by_id[attrs["id"]] = self.current
            return
        if tag == "button":
            submits = (attrs.get("type") or "submit").lower() == "submit"
        elif tag == "input":
            submits = (attrs.get("type") or "").lower() in ("submit", "image")
        else:
            return
        if not submits or "disabled" in attrs:
            return
        owner = self.by_id.get(attrs["form"]) if attrs.get("form") else self.current
        if owner is not None:
            owner[2] += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def post_forms(html, url, form_id=None):
    """The POST forms of ``html`` that post to ``url`` (no ``action``, or its path), or the
    one whose id is ``form_id``, each as its number of submit controls."""
    parser = _SubmitParser()
    parser.feed(html)
    if form_id is not None:
        return [count for id_, _action, count in parser.forms if id_ == form_id]
    path = urlsplit(url).path
    return [count for _id, action, count in parser.forms if action in ("", path)]
