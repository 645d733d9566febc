from django.views.generic import TemplateView


class IndexView(TemplateView):
    """Projects, the investor databank and roadshows: the landing page."""

    template_name = "projects/index.html"


class ProgramsView(TemplateView):
    """Talent programs ("talent engineering"): the landing page."""

    template_name = "projects/programs.html"
