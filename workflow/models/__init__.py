"""SQLAlchemy models. Import from here: `from workflow.models import Nomination`."""

from workflow.models.awards import AwardForm, Campaign, campaign_award_forms
from workflow.models.decisions import Decision, DecisionCounter, DecisionItem, DocumentTemplate, IssuedDocument
from workflow.models.nominations import Attachment, Nomination, NominationEvent
from workflow.models.reports import Indicator, Report, ReportEvent, ReportValue, ReviewPeriod
from workflow.models.units import Unit
from workflow.models.users import AccountEvent, ApiToken, RoleAssignment, User, UserSession

__all__ = [
    "AccountEvent",
    "ApiToken",
    "Attachment",
    "AwardForm",
    "Campaign",
    "Decision",
    "DecisionCounter",
    "DecisionItem",
    "DocumentTemplate",
    "IssuedDocument",
    "Indicator",
    "Nomination",
    "NominationEvent",
    "Report",
    "ReportEvent",
    "ReportValue",
    "ReviewPeriod",
    "RoleAssignment",
    "Unit",
    "User",
    "UserSession",
    "campaign_award_forms",
]
