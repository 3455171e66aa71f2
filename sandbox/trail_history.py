"""Emulator extension: CloudTrail event history (LookupEvents) and Lake event data stores for moto.

moto 5.2 implements neither. :func:`install` patches moto in this process (the sandbox's server runs in
a thread of it, and ``mock_aws`` tests share it) so that:

- successful calls that the history controls look for are recorded as CloudTrail events, per account
  and region, with the record fields of the CloudTrail user guide ("CloudTrail record contents"):
  requestParameters in camelCase, userIdentity of the caller, sourceIPAddress, eventTime;
- ``LookupEvents`` answers from those records like AWS does: one lookup attribute at most
  (InvalidLookupAttributesException otherwise), MaxResults 1-50 (default 50), StartTime/EndTime,
  newest first, NextToken pagination;
- ``CreateEventDataStore``, ``ListEventDataStores``, ``GetEventDataStore``, ``UpdateEventDataStore`` and
  ``Start/StopEventDataStoreIngestion`` keep event data stores (see :mod:`sandbox.lake`).

Every response is a dict shaped exactly like botocore's output shape for the operation
(tests/history/test_emulator.py validates them against the service model). Records live on moto's
CloudTrail backend object, so moto's reset forgets them too. :func:`seed` and :func:`backdate_trail`
let the demo and tests tell a story that happened before "now".
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Iterable

_INSTALLED = False
# (service name as moto names it, action) -> eventSource of the record
RECORDED = {
    **{("cloudtrail", a): "cloudtrail.amazonaws.com" for a in (
        "CreateTrail", "DeleteTrail", "StartLogging", "StopLogging", "UpdateTrail", "PutEventSelectors")},
    **{("kms", a): "kms.amazonaws.com" for a in ("DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy")},
    **{("logs", a): "logs.amazonaws.com" for a in (
        "DeleteLogGroup", "PutRetentionPolicy", "DisassociateKmsKey", "DeleteMetricFilter", "PutMetricFilter")},
    **{("cloudwatch", a): "monitoring.amazonaws.com" for a in ("DeleteAlarms", "DisableAlarmActions")},
    **{("organizations", a): "organizations.amazonaws.com" for a in (
        "DisableAWSServiceAccess", "DeregisterDelegatedAdministrator")},
}
PAGE = 50


class LookupError_(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --- the store ------------------------------------------------------------------------------------


def _backend(account_id: str, region: str):
    from moto.cloudtrail.models import cloudtrail_backends

    return cloudtrail_backends[account_id][region]


def records(account_id: str, region: str) -> list[dict]:
    """The account's event history in one region (mutable: the store itself)."""
    return _backend(account_id, region).__dict__.setdefault("trailguard_events", [])


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:]): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def make_record(*, account_id: str, region: str, name: str, source: str, when: dt.datetime,
                request: dict | None = None, actor_arn: str = "", source_ip: str = "127.0.0.1",
                response: dict | None = None) -> dict:
    """A CloudTrail record (management event) as CloudTrail writes it."""
    return {
        "eventVersion": "1.10",
        "userIdentity": {"type": "AssumedRole" if ":assumed-role/" in actor_arn else "IAMUser",
                         "arn": actor_arn or f"arn:aws:iam::{account_id}:root", "accountId": account_id},
        "eventTime": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": source_ip,
        "userAgent": "trailguard-sandbox", "requestParameters": request or None,
        "responseElements": response, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
        "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": account_id, "eventCategory": "Management",
    }


def seed(account_id: str, region: str, recs: Iterable[dict]) -> None:
    records(account_id, region).extend(recs)


def forget(account_id: str, region: str, predicate) -> int:
    """Drop recorded events matching ``predicate(record)``; returns how many."""
    store = records(account_id, region)
    kept = [r for r in store if not predicate(r)]
    dropped = len(store) - len(kept)
    store[:] = kept
    return dropped


def forget_account(account_id: str) -> None:
    """Drop every recorded event of the account, in every region."""
    from moto.cloudtrail.models import cloudtrail_backends

    for region in list(cloudtrail_backends[account_id].keys()):
        forget(account_id, region, lambda r: True)


def backdate_trail(account_id: str, region: str, name: str, started: dt.datetime,
                   stopped: dt.datetime | None = None) -> None:
    """Set GetTrailStatus's StartLoggingTime (and StopLoggingTime); moto keeps them as naive UTC."""
    status = _backend(account_id, region).get_trail(name).status
    status.started = started.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if stopped is not None:
        status.stopped = stopped.astimezone(dt.timezone.utc).replace(tzinfo=None)


# --- LookupEvents ---------------------------------------------------------------------------------


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)


def lookup_events(account_id: str, region: str, params: dict) -> dict:
    """LookupEvents over the store; raises LookupError_ with AWS's error codes for bad input."""
    attrs = params.get("LookupAttributes") or []
    if len(attrs) > 1:
        raise LookupError_("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    max_results = params.get("MaxResults", PAGE)
    if not 1 <= int(max_results) <= PAGE:
        raise LookupError_("InvalidMaxResultsException", "MaxResults must be from 1 to 50.")
    start, end = _epoch(params.get("StartTime")), _epoch(params.get("EndTime"))
    if start is not None and end is not None and start > end:
        raise LookupError_("InvalidTimeRangeException", "StartTime must be earlier than EndTime.")
    key, value = (attrs[0]["AttributeKey"], attrs[0]["AttributeValue"]) if attrs else (None, None)
    chosen = []
    for index, rec in enumerate(records(account_id, region)):
        when = dt.datetime.fromisoformat(rec["eventTime"].replace("Z", "+00:00")).timestamp()
        if (start is not None and when < start) or (end is not None and when > end):
            continue
        if key and value not in _attribute_values(rec, key):
            continue
        chosen.append((when, index, rec))
    chosen.sort(key=lambda p: (-p[0], -p[1]))  # newest first, as AWS answers; same second: latest recorded first
    offset = int(params.get("NextToken") or 0) if str(params.get("NextToken") or "0").isdigit() else -1
    if offset < 0:
        raise LookupError_("InvalidNextTokenException", "Invalid NextToken.")
    page = chosen[offset:offset + int(max_results)]
    out: dict[str, Any] = {"Events": [_summary(when, rec) for when, _, rec in page]}
    if offset + int(max_results) < len(chosen):
        out["NextToken"] = str(offset + int(max_results))
    return out


def _attribute_values(rec: dict, key: str) -> set[str]:
    ident = rec.get("userIdentity") or {}
    return {
        "EventId": {rec["eventID"]}, "EventName": {rec["eventName"]}, "EventSource": {rec["eventSource"]},
        "ReadOnly": {str(rec.get("readOnly", False)).lower()}, "Username": {_username(ident)},
        "AccessKeyId": {ident.get("accessKeyId", "")},
        "ResourceName": {r["ResourceName"] for r in _resources(rec)},
        "ResourceType": {r["ResourceType"] for r in _resources(rec)},
    }[key]


def _username(ident: dict) -> str:
    return (ident.get("arn") or "").rsplit("/", 1)[-1] or ident.get("type", "")


def _resources(rec: dict) -> list[dict]:
    req = rec.get("requestParameters") or {}
    for field, rtype in (("name", "AWS::CloudTrail::Trail"), ("trailName", "AWS::CloudTrail::Trail"),
                         ("bucketName", "AWS::S3::Bucket"), ("keyId", "AWS::KMS::Key"),
                         ("logGroupName", "AWS::Logs::LogGroup")):
        if isinstance(req.get(field), str):
            return [{"ResourceType": rtype, "ResourceName": req[field]}]
    return []


def _summary(when: float, rec: dict) -> dict:
    ident = rec.get("userIdentity") or {}
    item = {"EventId": rec["eventID"], "EventName": rec["eventName"], "ReadOnly": str(rec.get("readOnly", False)).lower(),
            "EventTime": when, "EventSource": rec["eventSource"], "Username": _username(ident),
            "Resources": _resources(rec), "CloudTrailEvent": json.dumps(rec)}
    if ident.get("accessKeyId"):
        item["AccessKeyId"] = ident["accessKeyId"]
    return item


# --- moto patches ---------------------------------------------------------------------------------


def _caller_arn(response_obj) -> str:
    account = response_obj.current_account
    try:
        from moto.sts.models import sts_backends

        for role in sts_backends[account]["aws"].assumed_roles:
            if role.access_key_id == response_obj.access_key:
                return role.arn
    except Exception:  # moto internals differ between versions: the root ARN is a fair stand-in
        pass
    return f"arn:aws:iam::{account}:root"


def _record_call(response_obj, action: str) -> None:
    source = RECORDED.get((response_obj.service_name, action))
    if source is None:
        return
    try:
        request = json.loads(response_obj.body) if response_obj.body else {}
    except (TypeError, ValueError):
        request = dict(getattr(response_obj, "querystring", {}) or {})
        request = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in request.items()
                   if k not in ("Action", "Version")}
    account, region = response_obj.current_account, response_obj.region
    if response_obj.service_name == "organizations":
        region = "us-east-1"  # global service events are recorded in US East (N. Virginia)
    ip = getattr(getattr(response_obj, "request", None), "remote_addr", None) or "127.0.0.1"
    seed(account, region, [make_record(account_id=account, region=region, name=action, source=source,
                                       when=dt.datetime.now(dt.timezone.utc), request=_camel(request),
                                       actor_arn=_caller_arn(response_obj), source_ip=ip)])


def install() -> None:
    """Patch moto (idempotent): record calls, answer LookupEvents and the event data store calls."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.responses import BaseResponse

    from sandbox import lake

    original = BaseResponse.call_action

    def call_action(self):
        status, headers, body = original(self)
        if int(status) < 400:
            try:
                _record_call(self, self._get_action())
            except Exception:  # recording is best effort: it must never break the call itself
                pass
        return status, headers, body

    BaseResponse.call_action = call_action

    def lookup(self) -> Any:
        try:
            return json.dumps(lookup_events(self.current_account, self.region, json.loads(self.body or "{}")))
        except LookupError_ as exc:
            return _error(exc.code, exc.message)

    CloudTrailResponse.lookup_events = lookup
    lake.install(CloudTrailResponse)
    _INSTALLED = True


def _error(code: str, message: str):
    body = json.dumps({"__type": code, "message": message})
    return 400, {"status": 400, "x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1"}, body
