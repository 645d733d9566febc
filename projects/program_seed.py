"""Demo talent programs, calls, experts and reviews."""


def seed_programs(*, scale, rng, stdout):
    """Nothing yet."""
