"""All tables, imported here so Alembic and the app see one metadata."""

from api.db.base import Base
from api.models.audit import AuditEntry
from api.models.auth import AccessToken, ApiKey, LoginThrottle, Partner, User
from api.models.fund import Award, AwardCategory, Fund, FundEntry, ImportJob
from api.models.recognition import CriteriaSet, EvidenceFile, RecognitionDecision, Registration
from api.models.registry import Activity, Association, AssociationYear, Commendation, Inspection, Partnership
from api.models.report import Publication, Report, ReportRollup, ReportStatus, Target
from api.models.sync import Change, ChangeCounter, IdempotencyKey, SyncCursor
from api.models.unit import LEVEL_RANK, Unit, UnitLevel, UnitSource, UnitSuccession
from api.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "LEVEL_RANK",
    "AccessToken",
    "Activity",
    "ApiKey",
    "Association",
    "AssociationYear",
    "AuditEntry",
    "Award",
    "AwardCategory",
    "Base",
    "Change",
    "ChangeCounter",
    "Commendation",
    "CriteriaSet",
    "EvidenceFile",
    "Fund",
    "FundEntry",
    "IdempotencyKey",
    "ImportJob",
    "Inspection",
    "LoginThrottle",
    "Partner",
    "Partnership",
    "Publication",
    "RecognitionDecision",
    "Registration",
    "Report",
    "ReportRollup",
    "ReportStatus",
    "SyncCursor",
    "Target",
    "Unit",
    "UnitLevel",
    "UnitSource",
    "UnitSuccession",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
