"""Event builders for the history tests: CloudTrail records as LookupEvents returns them."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from checks.history.events import HistoryEvent, from_lookup

END = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
START = END - dt.timedelta(days=7)
REGIONS = ("eu-west-1", "us-east-1", "us-west-2")
SOURCES = {"StartLogging": "cloudtrail", "StopLogging": "cloudtrail", "CreateTrail": "cloudtrail",
           "DeleteTrail": "cloudtrail", "UpdateTrail": "cloudtrail", "PutEventSelectors": "cloudtrail"}


def ago(hours: float) -> dt.datetime:
    return END - dt.timedelta(hours=hours)


def record(event_name: str, hours: float, *, region: str = "us-east-1", source: str = "", actor: str = "",
           ip: str = "198.51.100.7", error: str = "", **request) -> dict:
    """A CloudTrail record (user guide, "CloudTrail record contents") as a dict."""
    rec = {
        "eventVersion": "1.10", "eventID": str(uuid.uuid4()), "eventTime": ago(hours).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source or f"{SOURCES.get(event_name, 'cloudtrail')}.amazonaws.com", "eventName": event_name,
        "awsRegion": region, "sourceIPAddress": ip,
        "userIdentity": {"type": "IAMUser", "arn": actor or "arn:aws:iam::111111111111:user/mallory"},
        "requestParameters": request, "responseElements": None, "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": "111111111111",
    }
    if error:
        rec["errorCode"] = error
    return rec


def lookup_item(rec: dict) -> dict:
    """The element of LookupEvents' Events list that carries ``rec`` (botocore's LookupEvents output shape)."""
    return {"EventId": rec["eventID"], "EventName": rec["eventName"], "ReadOnly": "false",
            "EventTime": dt.datetime.fromisoformat(rec["eventTime"].replace("Z", "+00:00")),
            "EventSource": rec["eventSource"], "Username": rec["userIdentity"]["arn"].rsplit("/", 1)[-1],
            "Resources": [], "CloudTrailEvent": json.dumps(rec)}


def event(event_name: str, hours: float, **kw) -> HistoryEvent:
    rec = record(event_name, hours, **kw)
    return from_lookup(lookup_item(rec), rec["awsRegion"])
