"""Demo data for projects and roadshows, then talent programs."""

from projects.program_seed import seed_programs
from projects.roadshow_seed import seed_roadshows


def seed(*, scale, rng, stdout):
    seed_roadshows(scale=scale, rng=rng, stdout=stdout)
    seed_programs(scale=scale, rng=rng, stdout=stdout)
