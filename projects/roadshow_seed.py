"""Demo projects, investors and roadshows."""


def seed_roadshows(*, scale, rng, stdout):
    """Nothing yet."""
