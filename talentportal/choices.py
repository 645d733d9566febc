"""Vocabularies shared by every section: degrees and talent tiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Degree(models.IntegerChoices):
    """Ordered, so that "at least a master's degree" is `degree >= Degree.MASTER`."""

    NONE = 0, _("No degree required")
    JUNIOR_COLLEGE = 1, _("Junior college")
    BACHELOR = 2, _("Bachelor's degree")
    MASTER = 3, _("Master's degree")
    DOCTORATE = 4, _("Doctorate")


class TalentTier(models.TextChoices):
    """The A–E classification of high-level talent used by provincial catalogues."""

    A = "A", _("A – top talent")
    B = "B", _("B – national leading talent")
    C = "C", _("C – provincial leading talent")
    D = "D", _("D – municipal high-level talent")
    E = "E", _("E – high-level young and skilled talent")
