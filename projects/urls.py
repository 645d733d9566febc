"""Projects and roadshows (`/projects/…`, `/roadshows/…`, `/investors/…`) and talent programs
(`/programs/…`). Included at the site root, so each path carries its own section prefix; each
part keeps its paths in its own package (`projects.roadshows.urls`, `projects.programs.urls`)."""

from projects.programs import urls as program_urls
from projects.roadshows import urls as roadshow_urls

app_name = "projects"

urlpatterns = [*roadshow_urls.urlpatterns, *program_urls.urlpatterns]
