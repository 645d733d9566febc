from django.views.generic import TemplateView


class IndexView(TemplateView):
    """Talent apartments: the landing page."""

    template_name = "apartments/index.html"
