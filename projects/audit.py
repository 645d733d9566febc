"""The audit trail of projects, roadshows and talent programs (see `talentportal.audit`).

Not copied into the event rows: an applicant's full name and birth year and free-form answers
(program applications), investors' contact person, phone and e-mail, registration check-in
codes, and the counters a roadshow keeps of its registrations and views.
"""

from projects.models import (
    Call,
    Criterion,
    Expert,
    ExpertDraw,
    Interest,
    Investor,
    Program,
    ProgramApplication,
    Project,
    ProjectSubmission,
    Registration,
    Review,
    ReviewAssignment,
    Roadshow,
    RoadshowSlot,
    Score,
    Track,
)
from talentportal.audit import track

track(Program)
track(Call)
track(Track)
track(Criterion)
track(ProgramApplication, exclude=["full_name", "birth_year", "answers"])
track(Expert)
track(ExpertDraw)
track(ReviewAssignment)
track(Review)
track(Score)
track(Project)
track(ProjectSubmission)
track(Investor, exclude=["contact_name", "contact_phone", "contact_email"])
track(
    Roadshow,
    exclude=[
        "registered_count",
        "offered_count",
        "waitlisted_count",
        "checked_in_count",
        "online_views",
    ],
)
track(RoadshowSlot)
track(Registration, exclude=["code"])
track(Interest)
