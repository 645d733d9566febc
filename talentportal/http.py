"""Small request helpers the views of every section share."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """The `next` of the POST or the query string when it is a path on this site, else
    `fallback`. A path only: redirect() would take "0" or "home" for a view name to reverse
    (a 500 when there is none), and another host would make the site an open redirect."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback
