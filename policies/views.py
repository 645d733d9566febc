from django.views.generic import TemplateView


class IndexView(TemplateView):
    """The policy library's landing page (the searchable list replaces it)."""

    template_name = "policies/index.html"


class ServicesView(TemplateView):
    """The public-service catalogue's landing page."""

    template_name = "policies/services.html"
