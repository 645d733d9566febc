"""The audit trail of the talent library (see `talentportal.audit`): enterprises and their
members, demands and internships, applications to them, evaluations and talent cards, and
talent profiles.

Personal data of talents stays out of the event rows: a profile's name, phone, e-mail, birth
year and résumé are not copied (the trail says when the profile changed and by whom), nor are
cover letters, nor the consent flag that triggers on `Consent` keep. Profiles are a million
rows: their inserts are not copied, every later change is. `ProfileAccess` is not tracked
here: it is itself an append-only log.
"""

from talentportal.audit import track
from talents.models import (
    Demand,
    DemandApplication,
    Enterprise,
    EnterpriseMember,
    Evaluation,
    Internship,
    InternshipApplication,
    Talent,
    TalentCard,
)

track(
    Talent,
    exclude=["name", "phone", "email", "birth_year", "resume", "listed", "search_consent"],
    inserts=False,
)
track(Enterprise)
track(EnterpriseMember)
track(Demand)
track(Internship)
track(DemandApplication, exclude=["cover_letter"])
track(InternshipApplication, exclude=["cover_letter"])
track(Evaluation)
track(TalentCard)
