"""Projects and roadshows (`/projects/…`, `/roadshows/…`, `/investors/…`) and talent programs
(`/programs/…`). Included at the site root, so each path carries its own section prefix; each
part keeps its paths in its own module."""

from projects import program_urls, roadshow_urls

app_name = "projects"

urlpatterns = [*roadshow_urls.urlpatterns, *program_urls.urlpatterns]
