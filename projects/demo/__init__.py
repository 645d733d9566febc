"""Demo data for projects and roadshows, then talent programs."""

from projects.demo.programs import seed_programs
from projects.demo.roadshows import seed_roadshows


def seed(*, scale, rng, stdout):
    seed_roadshows(scale=scale, rng=rng, stdout=stdout)
    seed_programs(scale=scale, rng=rng, stdout=stdout)
