"""The talent ecosystem (service points, alliances, finance, feedback, statistics)."""

app_name = "ecosystem"

urlpatterns = []
