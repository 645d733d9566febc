"""Projects and roadshows (`roadshows.py`) and talent programs with expert review
(`programs.py`): two parts of one app, each listing its models in `__all__`."""

from projects.models.programs import *  # noqa: F403
from projects.models.roadshows import *  # noqa: F403

# isort: split
# The audit trail's event models (projects/audit.py) belong to this app: import them last.
from projects import audit  # noqa: F401
