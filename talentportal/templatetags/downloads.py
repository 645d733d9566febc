from django import template

from talentportal.downloads import download_url as _download_url

register = template.Library()


@register.filter
def download_url(obj, field: str) -> str:
    """`{{ attachment|download_url:"file" }}`: the checked download of a file field."""
    return _download_url(obj, field)
