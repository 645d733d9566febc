"""Talent programs: calls, applications, the expert draw, reviews and decisions.

Independent of `projects.roadshows` (an import-linter contract holds it); what both parts use
lives in `projects.models` or `talentportal`."""
