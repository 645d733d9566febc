from django.views.generic import TemplateView


class IndexView(TemplateView):
    """The talent resource library's landing page."""

    template_name = "talents/index.html"
