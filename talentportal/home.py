"""The figures of the home page, each counted by the app that owns the data.

The home page belongs to this base layer, the data to the apps above it: each app registers,
in its `AppConfig.ready()`, a function that counts what its own list or dashboard shows, so the
home page can never state a figure of its own ("360 major policies" against a library of 321).
"""

from collections.abc import Callable

_FIGURES: dict[str, Callable[[], int]] = {}


def register_home_figure(name: str, count: Callable[[], int]) -> None:
    """`count()` gives the figure `name` of the home page (as the app's list counts it)."""
    _FIGURES[name] = count


def home_figures() -> dict[str, int]:
    return {name: count() for name, count in _FIGURES.items()}
