"""A whole stack (every resource's type, props, URN and dependencies) -> one :class:`AccountFacts`.

pulumi-aws v7 splits an S3 bucket into side-by-side resources (versioning, encryption, policy, ...); the
CloudTrail trail names its bucket, key, log group and topic by values that are often unknown at preview.
Joins therefore go by value when it is known (bucket name, key / log group / topic ARN) and otherwise by
the engine's property dependencies (``bucket`` of a BucketVersioning came from that Bucket's output).
Every resource the stack manages is treated as owned by the stack's account: the stack can change it,
so it is judged, even when a second provider puts it in a log-archive account.

A stack cannot state some live facts; the adapter's choice for each is documented in docs/policies.md:
a side-by-side S3 resource that is absent means "not configured" (the pack wants settings in code, not
AWS's creation-time defaults); a declared SNS subscription counts as confirmed (only the live audit can
see confirmations).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from checks.arns import s3_bucket_arn
from checks.params import AuditParams
from checks.facts import (
    AccountFacts, Alarm, BucketFacts, Grant, KeyFacts, LogGroupFacts, MetricFilter, MetricQuery, MetricTransformation,
    PublicAccessBlock, TopicFacts,
)
from checks.shapes import TRAIL_KEY

from .lake_adapter import add_lake
from .props import UNKNOWN, StackResource, contains_unknown
from .trail_adapter import TRAIL_TYPE, trail_facts

BUCKET = {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}
PUBLIC_ACCESS_BLOCK = {"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"}
OWNERSHIP = {"aws:s3/bucketOwnershipControls:BucketOwnershipControls"}
VERSIONING = {"aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"}
ENCRYPTION = {"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
              "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"}
POLICY = {"aws:s3/bucketPolicy:BucketPolicy"}
LOGGING = {"aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"}
OBJECT_LOCK = {"aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
               "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"}
ACL = {"aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"}
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
PLACEHOLDER_ACCOUNT = "000000000000"
_PAB_FLAGS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
_PUBLIC_CANNED = {"public-read": ("AllUsers", "READ"), "public-read-write": ("AllUsers", "WRITE"),
                  "authenticated-read": ("AuthenticatedUsers", "READ")}
_GROUP_URI = "http://acs.amazonaws.com/groups/global/"


@dataclass(frozen=True)
class Params:
    """Stack-wide parameters from the pack configuration (see :mod:`.config`)."""

    account_id: str = ""  # "" = taken from the stack's known ARNs
    region: str = "us-east-1"
    partition: str = "aws"
    required_tag_keys: tuple[str, ...] = ()
    min_log_retention_days: int = 365
    expect_organization_trail: bool = False


@dataclass
class StackView:
    account: AccountFacts
    urns: dict[str, str] = field(default_factory=dict)  # facts identity (ARN or bucket name) -> URN
    params: AuditParams = field(default_factory=AuditParams)  # what the pack's config requires of the facts


def _account_of(resources: list[StackResource]) -> str:
    """The stack's account: its trail's, else the first known ARN's. The trail comes first because a
    log-archive stack creates its key and buckets (often registered first) in another account."""
    trails = [r for r in resources if r.type == TRAIL_TYPE]
    for res in trails + [r for r in resources if r.type != TRAIL_TYPE]:
        arn = res.get("arn")
        found = re.match(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):", arn) if isinstance(arn, str) else None
        if found:
            return found.group(1)
    return PLACEHOLDER_ACCOUNT


def _get(res: StackResource, key: str, default):
    """A prop, its default when absent or null; UNKNOWN stays UNKNOWN (never `or` an UNKNOWN)."""
    value = res.get(key)
    return default if value is None else value


def _metric_query(q: dict) -> MetricQuery:
    """A MetricAlarm metricQueries item (pulumi-aws camelCase) as the audit's MetricQuery."""
    metric = q.get("metric") or {}
    return MetricQuery(id=q.get("id", ""), return_data=q.get("returnData") is not False,
                       namespace=metric.get("namespace", ""), metric_name=metric.get("metricName", ""),
                       dimensions=tuple(sorted((metric.get("dimensions") or {}).items())),
                       expression=q.get("expression") or "", account_id=q.get("accountId") or "")


def _number(value) -> float | None:
    """A pulumi-aws numeric string (metricTransformation.defaultValue) as a float; None when absent or unknown."""
    try:
        return None if value is None or value is UNKNOWN else float(value)
    except (TypeError, ValueError):
        return None


def _known(value, default=None):
    return default if value is UNKNOWN or value is None else value


class _Builder:
    def __init__(self, resources: list[StackResource], params: Params):
        self.res, self.p = resources, params
        self.acct = params.account_id or _account_of(resources)
        self.view = StackView(
            AccountFacts(account_id=self.acct, partition=params.partition, trails=[], alarms=()),
            params=AuditParams(required_tag_keys=params.required_tag_keys,
                               min_log_retention_days=params.min_log_retention_days,
                               expect_organization_trail=params.expect_organization_trail))
        self.ids: dict[str, dict[str, str]] = {}  # kind -> URN -> identity used in the facts

    def of(self, *types: str) -> list[StackResource]:
        wanted = set().union(*[{t} if isinstance(t, str) else t for t in types])
        return [r for r in self.res if r.type in wanted]

    def ref(self, res: StackResource, prop: str, kind: str, value=None):
        """The identity a reference prop points at: its known value, else the dependency it came from."""
        value = res.get(prop) if value is None else value
        if value is not UNKNOWN:
            return value
        by_urn = self.ids.get(kind, {})
        return next((by_urn[u] for u in res.deps_of(prop) if u in by_urn), UNKNOWN)

    def own(self, kind: str, res: StackResource, identity: str, *aliases: str) -> None:
        self.ids.setdefault(kind, {})[res.urn] = identity
        for key in (identity, *aliases):
            self.view.urns[key] = res.urn

    def arn(self, res: StackResource, service: str, resource: str) -> str:
        arn = res.get("arn")
        if isinstance(arn, str) and arn:
            return arn
        return f"arn:{self.p.partition}:{service}:{self.p.region}:{self.acct}:{resource}"

    # --- S3 -----------------------------------------------------------------------------------------

    def buckets(self) -> None:
        for res in self.of(BUCKET):
            name = _known(res.get("bucket")) or f"{res.name} (name known after deploy)"
            facts = BucketFacts(name=name, owner_account_id=self.acct, region=self.p.region,
                                public_access_block=PublicAccessBlock(), acl_grants=(), policy={},
                                logging_target_bucket="", versioning_status="", mfa_delete="",
                                object_lock_enabled=res.get("objectLockEnabled") is True, object_lock_mode="",
                                sse_algorithm="", sse_kms_key_id="", bucket_key_enabled=False,
                                object_ownership="", policy_is_public=False)
            self._acl(facts, res.get("acl"), res.name)
            self.view.account.buckets[name] = facts
            self.own("bucket", res, name, s3_bucket_arn(self.p.partition, name))
        for types, apply in ((PUBLIC_ACCESS_BLOCK, self._pab), (OWNERSHIP, self._ownership),
                             (VERSIONING, self._versioning), (ENCRYPTION, self._encryption),
                             (POLICY, self._policy), (LOGGING, self._logging), (OBJECT_LOCK, self._lock),
                             (ACL, lambda f, r: self._acl(f, r.get("acl"), r.name))):
            for res in self.of(types):
                facts = self.view.account.buckets.get(self.ref(res, "bucket", "bucket"))
                if facts is not None:
                    apply(facts, res)

    @staticmethod
    def _unknown(facts, attr: str, res: StackResource) -> None:
        setattr(facts, attr, None)
        facts.errors[attr] = f"{res.type.rsplit(':', 1)[-1]} {res.name} is not known until the stack is deployed."

    def _pab(self, facts: BucketFacts, res: StackResource) -> None:
        flags = [res.get(f, False) for f in _PAB_FLAGS]
        if any(f is UNKNOWN for f in flags):
            return self._unknown(facts, "public_access_block", res)
        facts.public_access_block = PublicAccessBlock(*(bool(f) for f in flags))

    def _ownership(self, facts: BucketFacts, res: StackResource) -> None:
        rule = _get(res, "rule", {})
        if contains_unknown(rule):
            return self._unknown(facts, "object_ownership", res)
        facts.object_ownership = rule.get("objectOwnership", "")

    def _versioning(self, facts: BucketFacts, res: StackResource) -> None:
        conf = _get(res, "versioningConfiguration", {})
        if contains_unknown(conf):
            return self._unknown(facts, "versioning_status", res)
        status = conf.get("status", "")
        facts.versioning_status = "" if status == "Disabled" else status
        facts.mfa_delete = conf.get("mfaDelete", "")

    def _encryption(self, facts: BucketFacts, res: StackResource) -> None:
        rules = _get(res, "rules", [])
        if contains_unknown(rules):
            return self._unknown(facts, "sse_algorithm", res)
        default = rules[0] if rules else {}
        by_default = default.get("applyServerSideEncryptionByDefault") or {}
        facts.sse_algorithm = by_default.get("sseAlgorithm", "")
        facts.sse_kms_key_id = by_default.get("kmsMasterKeyId") or ""
        facts.bucket_key_enabled = default.get("bucketKeyEnabled") is True

    def _policy(self, facts: BucketFacts, res: StackResource) -> None:
        doc = res.get("policy")
        if contains_unknown(doc):
            facts.policy_is_public = None
            return self._unknown(facts, "policy", res)
        facts.policy = json.loads(doc) if isinstance(doc, str) else dict(doc or {})
        facts.policy_is_public = any(
            s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and not s.get("Condition")
            for s in facts.policy.get("Statement") or [] if isinstance(s, dict))

    def _logging(self, facts: BucketFacts, res: StackResource) -> None:
        target = res.get("targetBucket")
        # an unknown target is still a configured target: logging is on, only the name is not known yet
        facts.logging_target_bucket = (self.ref(res, "targetBucket", "bucket") if target is UNKNOWN else target) or ""
        if facts.logging_target_bucket is UNKNOWN:
            facts.logging_target_bucket = "(a bucket known after deploy)"

    def _lock(self, facts: BucketFacts, res: StackResource) -> None:
        retention = _get(res, "rule", {})
        retention = retention if retention is UNKNOWN else (retention.get("defaultRetention") or {})
        if contains_unknown(retention):
            return self._unknown(facts, "object_lock_mode", res)
        facts.object_lock_enabled = True
        facts.object_lock_mode = retention.get("mode", "")
        days, years = retention.get("days"), retention.get("years")
        facts.object_lock_days = days if days else (years * 365 if years else None)

    def _acl(self, facts: BucketFacts, acl, name: str) -> None:
        if acl in _PUBLIC_CANNED:
            group, permission = _PUBLIC_CANNED[acl]
            facts.acl_grants = (facts.acl_grants or ()) + (Grant("Group", _GROUP_URI + group, permission),)

    # --- KMS, CloudWatch Logs, alarms, SNS ----------------------------------------------------------

    def keys(self) -> None:
        for res in self.of(KEY):
            arn = self.arn(res, "kms", f"key/{res.name}")
            facts = KeyFacts(arn=arn, owner_account_id=self.acct, key_manager="CUSTOMER",
                             multi_region=_known(res.get("multiRegion"), False))
            enabled = res.get("isEnabled", True)
            facts.key_state = None if enabled is UNKNOWN else ("Enabled" if enabled is not False else "Disabled")
            for attr, prop in (("rotation_enabled", "enableKeyRotation"),
                               ("bypass_policy_lockout_safety_check", "bypassPolicyLockoutSafetyCheck")):
                value = _get(res, prop, False)
                if value is UNKNOWN:
                    self._unknown(facts, attr, res)
                else:
                    setattr(facts, attr, bool(value))
            self.view.account.keys[arn] = facts
            self.own("key", res, arn)

    def log_groups(self) -> None:
        for res in self.of(LOG_GROUP):
            name = _known(res.get("name")) or f"{res.name} (name known after deploy)"
            arn = self.arn(res, "logs", f"log-group:{name}").removesuffix(":*")
            days, key = _get(res, "retentionInDays", 0), _get(res, "kmsKeyId", "")
            facts = LogGroupFacts(arn=arn, name=name, region=self.p.region, owner_account_id=self.acct,
                                  exists=True, retention_in_days=None if days is UNKNOWN else int(days),
                                  kms_key_id=None if key is UNKNOWN else key, metric_filters=())
            for attr, value in (("retention_in_days", days), ("kms_key_id", key)):
                if value is UNKNOWN:
                    facts.errors[attr] = f"LogGroup {res.name} {attr} is not known until the stack is deployed."
            self.view.account.log_groups[arn] = facts
            self.own("log_group", res, arn, name)
            self.ids.setdefault("log_group_name", {})[res.urn] = name

    def metric_filters(self) -> None:
        by_name = {g.name: g for g in self.view.account.log_groups.values()}
        for res in self.of(METRIC_FILTER):
            group = by_name.get(self.ref(res, "logGroupName", "log_group_name"))
            pattern, mt = res.get("pattern"), _get(res, "metricTransformation", {})
            if group is None or group.metric_filters is None:
                continue
            if pattern is UNKNOWN or contains_unknown(mt):
                group.metric_filters = None
                group.errors["metric_filters"] = f"LogMetricFilter {res.name} is not known until deploy."
                continue
            transform = MetricTransformation(mt.get("name", ""), mt.get("namespace", ""), str(mt.get("value", "1")),
                                             tuple(sorted((mt.get("dimensions") or {}).items())),
                                             _number(mt.get("defaultValue")))
            group.metric_filters += (MetricFilter(_known(res.get("name"), res.name), group.name, pattern or "",
                                                  (transform,)),)

    def topics(self) -> None:
        subscriptions: dict[str, int] = {}
        for res in self.of(TOPIC):
            arn = self.arn(res, "sns", _known(res.get("name")) or res.name)
            self.own("topic", res, arn)
        for res in self.of(SUBSCRIPTION):
            topic = self.ref(res, "topic", "topic")
            if topic is not UNKNOWN:
                subscriptions[topic] = subscriptions.get(topic, 0) + 1
        for res in self.of(TOPIC):
            arn = self.ids["topic"][res.urn]
            key = _get(res, "kmsMasterKeyId", "")
            # a stack cannot confirm a subscription; a declared one counts, the live audit sees confirmations
            self.view.account.topics[arn] = TopicFacts(
                arn=arn, owner_account_id=self.acct, confirmed_subscriptions=subscriptions.get(arn, 0),
                pending_subscriptions=0, kms_master_key_id=None if key is UNKNOWN else key)

    def alarms(self) -> None:
        alarms = []
        for res in self.of(ALARM):
            fields = {k: res.get(k) for k in ("metricName", "namespace", "actionsEnabled", "dimensions",
                                              "metricQueries")}
            if any(contains_unknown(v) for v in fields.values()):  # cannot tell which metric it watches: no verdict
                self.view.account.alarms = None
                self.view.account.errors["alarms"] = f"MetricAlarm {res.name} is not known until deploy."
                return
            topics = [u for u in (self.ids.get("topic", {}).get(d) for d in res.deps_of("alarmActions")) if u]
            actions = _get(res, "alarmActions", [])
            resolved = [self._action(a, topics) for a in ([UNKNOWN] if actions is UNKNOWN else actions)]
            numbers = {k: _known(res.get(k)) for k in ("threshold", "period", "evaluationPeriods")}
            alarms.append(Alarm(
                name=_known(res.get("name"), res.name), arn=self.arn(res, "cloudwatch", f"alarm:{res.name}"),
                metric_name=fields["metricName"] or "", namespace=fields["namespace"] or "",
                actions_enabled=fields["actionsEnabled"] is not False, alarm_actions=tuple(resolved),
                statistic=_known(res.get("statistic"), ""), comparison_operator=_known(res.get("comparisonOperator"), ""),
                threshold=numbers["threshold"], period=numbers["period"], evaluation_periods=numbers["evaluationPeriods"],
                dimensions=tuple(sorted((fields["dimensions"] or {}).items())),
                queries=tuple(_metric_query(q) for q in fields["metricQueries"] or ())))
        self.view.account.alarms = tuple(alarms)

    def _action(self, action, topics: list[str]) -> str:
        """A known action as is; an unknown one as the topic it depends on, else an SNS topic of unknown state."""
        if action is not UNKNOWN:
            return action
        if topics:
            return topics.pop(0)
        arn = f"arn:{self.p.partition}:sns:{self.p.region}:{self.acct}:(known after deploy)"
        self.view.account.topics.setdefault(arn, TopicFacts(arn=arn, owner_account_id=self.acct, errors={
            "subscriptions": "An alarm action is not known until the stack is deployed (preview)."}))
        return arn

    def account_pab(self) -> None:
        for res in self.of(ACCOUNT_PAB):
            flags = [res.get(f, False) for f in _PAB_FLAGS]
            self.view.account.account_public_access_block = (
                None if any(f is UNKNOWN for f in flags) else PublicAccessBlock(*(bool(f) for f in flags)))

    # --- trails -------------------------------------------------------------------------------------

    def trails(self) -> None:
        for res in self.of(TRAIL_TYPE):
            refs = {}
            for attr, kind in (("s3_bucket_name", "bucket"), ("kms_key_id", "key"),
                               ("cloudwatch_logs_log_group_arn", "log_group"), ("sns_topic_arn", "topic")):
                prop = TRAIL_KEY[attr].engine
                if res.get(prop) is UNKNOWN:
                    refs[attr] = self.ref(res, prop, kind)
            topic = res.get(TRAIL_KEY["sns_topic_arn"].engine)
            if isinstance(topic, str) and topic and not topic.startswith("arn:"):
                # CloudTrail resolves a bare topic name in the trail's own account and Region (the provider
                # sends and reads back the name); the audit sees that ARN in DescribeTrails.
                refs["sns_topic_arn"] = f"arn:{self.p.partition}:sns:{self.p.region}:{self.acct}:{topic}"
            facts = trail_facts(res, account_id=self.acct, region=self.p.region, partition=self.p.partition,
                                refs=refs)
            self.view.account.trails.append(facts)
            self.view.urns[facts.arn] = res.urn

    def build(self) -> StackView:
        self.account_pab()
        self.buckets()
        self.keys()
        self.log_groups()
        self.metric_filters()
        self.topics()
        self.alarms()
        self.trails()
        add_lake(self)  # issue 14: CloudTrail Lake event data stores
        return self.view


def account_from_stack(resources: list[StackResource], params: Params | None = None) -> StackView:
    """The stack as one account's facts, plus the URN of each facts identity for reporting."""
    return _Builder(list(resources), params or Params()).build()
