"""The audit trail of talent apartments (see `talentportal.audit`).

Not copied into the event rows: an applicant's full name, ID number, birth date and phone, a
lease's residents, and a round's frozen applicant list (its hash is). Units are 450,000 rows:
their inserts are not copied, every later change (status, rent) is.
"""

from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Community,
    Lease,
    Offer,
    RentRule,
    RoundUnit,
    Unit,
)
from talentportal.audit import track

track(Community)
track(RentRule)
track(Unit, inserts=False)
track(AllocationRound, exclude=["frozen_list"])
track(RoundUnit)
track(ApartmentApplication, exclude=["full_name", "id_number", "birth_date", "phone"])
track(Offer)
track(Lease, exclude=["residents"])
