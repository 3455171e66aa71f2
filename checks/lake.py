"""Facts about CloudTrail Lake event data stores (``AccountFacts.lake``); None means unknown."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventDataStore:
    arn: str
    name: str
    region: str
    status: str | None = None  # CREATED | ENABLED | PENDING_DELETION | STARTING_INGESTION | STOPPING_... | STOPPED_...
    kms_key_id: str | None = None  # "" when encrypted with an AWS owned key
    termination_protection: bool | None = None
    retention_days: int | None = None
    multi_region: bool | None = None
    organization: bool | None = None
    error: str = ""  # GetEventDataStore failed: the fields above stay None


@dataclass
class LakeFacts:
    stores: list[EventDataStore] | None = None  # None: ListEventDataStores failed
    is_management_account: bool | None = None  # None: organizations:DescribeOrganization failed
    errors: dict[str, str] = field(default_factory=dict)
