from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and roadshows")

    def ready(self):
        from projects.models import (
            Call,
            Criterion,
            Program,
            Project,
            Roadshow,
            RoadshowSlot,
            Track,
        )
        from talentportal.page_cache import invalidate_on_change

        # What the cached project, roadshow and program pages show (talentportal/page_cache.py).
        invalidate_on_change(Project, Roadshow, RoadshowSlot, Program, Call, Track, Criterion)

        # The home page's figure, as the project list counts them.
        from talentportal.home import register_home_figure

        register_home_figure("projects", lambda: Project.objects.published().count())
