"""django-axes and allauth: a student's e-mail address counts as the username.

allauth authenticates with ``email=`` (no ``username``): without this, every failed student
sign-in from one address would count against one empty username.
"""


def username_from_credentials(request, credentials):
    """AXES_USERNAME_CALLABLE: the username, else the e-mail address, of the sign-in."""
    if credentials:
        return credentials.get("username") or credentials.get("email")
    data = getattr(request, "POST", None) or {}
    return data.get("username") or data.get("login")
