from django import template

from talentportal.downloads import download_url as _download_url
from talentportal.downloads import file_link as _file_link

register = template.Library()


@register.filter
def download_url(obj, field: str) -> str:
    """`{{ attachment|download_url:"file" }}`: the checked download of a file field."""
    return _download_url(obj, field)


@register.filter
def file_link(field_file) -> str:
    """The checked download URL of a stored file, or "" (see talentportal.downloads)."""
    return _file_link(field_file)
