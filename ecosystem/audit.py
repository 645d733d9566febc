"""The audit trail of the talent ecosystem (see `talentportal.audit`): service points,
alliances, financial institutions and products, key-enterprise lists, departments, and the
applications and feedback that go through the shared workflow."""

from ecosystem.models import (
    Alliance,
    AllianceMembership,
    Department,
    Feedback,
    FinancialApplication,
    FinancialInstitution,
    FinancialProduct,
    KeyEnterprise,
    KeyEnterpriseList,
    ServicePoint,
    ServicePointDesignation,
)
from talentportal.audit import track

# `ServicePointEvent` is already the name of a model here (the salons a point hosts), and
# `service_point.events` its reverse accessor.
track(ServicePoint, model_name="ServicePointAuditEvent", related_name="audit_events")
track(ServicePointDesignation)
track(Alliance)
track(AllianceMembership)
track(FinancialInstitution)
track(FinancialProduct)
track(FinancialApplication)
track(KeyEnterpriseList)
track(KeyEnterprise)
track(Department)
track(Feedback)
