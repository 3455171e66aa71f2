"""moto's CloudTrail made to answer as AWS does for trails seen from other Regions and member accounts.

AWS (CloudTrail User Guide, "Viewing trails"; API reference of ListTrails, DescribeTrails, GetTrailStatus,
GetEventSelectors): ListTrails lists every trail of the account with its HomeRegion; a member account of an
organization sees the organization trail as a *shadow* trail - in ListTrails and DescribeTrails
(includeShadowTrails, the default) - and reads its status, selectors and tags by its ARN, which carries the
management account id. moto 5.2 answers ListTrails for the calling Region only and shows members nothing
of the organization trail. These patches add exactly that view; writes (StopLogging, PutEventSelectors,
UpdateTrail, DeleteTrail) still find only the caller's own trails, as in AWS.
"""
from __future__ import annotations

_PATCHED = False


def _own_trails(account_id: str) -> list:
    from moto.cloudtrail.models import cloudtrail_backends

    return [t for backend in cloudtrail_backends[account_id].values() for t in backend.trails.values()]


def _shadows(account_id: str) -> list:
    """The organization trails a member account sees (none for the management account: they are its own)."""
    from moto.cloudtrail.models import cloudtrail_backends
    from moto.organizations.models import organizations_backends

    entry = organizations_backends.master_accounts.get(account_id)
    if not entry or entry[0] == account_id:
        return []
    return [t for backend in cloudtrail_backends[entry[0]].values() for t in backend.trails.values() if t.is_org_trail]


def _readable(backend, name_or_arn: str):
    """The trail a read call names: own trail by name or ARN in this Region, else any visible trail by ARN."""
    from moto.cloudtrail.exceptions import TrailNotFoundException

    try:
        return backend.get_trail(name_or_arn)
    except TrailNotFoundException:
        for trail in _own_trails(backend.account_id) + _shadows(backend.account_id):
            if trail.arn == name_or_arn:
                return trail
        raise


def patch_cloudtrail() -> None:
    global _PATCHED
    if _PATCHED:
        return
    from moto.cloudtrail.models import CloudTrailBackend

    original_describe = CloudTrailBackend.describe_trails
    original_status = CloudTrailBackend.get_trail_status
    original_tags = CloudTrailBackend.list_tags

    def list_trails(self):
        return _own_trails(self.account_id) + _shadows(self.account_id)

    def describe_trails(self, include_shadow_trails):
        trails = list(original_describe(self, include_shadow_trails))
        if include_shadow_trails:
            trails += [t for t in _shadows(self.account_id) if t.is_multi_region or t.region_name == self.region_name]
        return trails

    def get_trail_status(self, name):
        if name.startswith("arn:"):
            return _readable(self, name).status
        return original_status(self, name)

    def get_event_selectors(self, trail_name):
        trail = _readable(self, trail_name)
        event_selectors, advanced = trail.get_event_selectors()
        return trail.arn, event_selectors, advanced

    def get_insight_selectors(self, trail_name):
        trail = _readable(self, trail_name)
        return trail.arn, trail.get_insight_selectors()

    def list_tags(self, resource_id_list):
        from moto.cloudtrail.models import cloudtrail_backends

        answers = original_tags(self, resource_id_list)
        for item in answers:
            arn = item["ResourceId"]
            owner = next((t for t in _shadows(self.account_id) + _own_trails(self.account_id) if t.arn == arn), None)
            if owner is not None and (owner.account_id, owner.region_name) != (self.account_id, self.region_name):
                home = cloudtrail_backends[owner.account_id][owner.region_name]
                item["TagsList"] = home.tagging_service.list_tags_for_resource(arn)["TagsList"]
        return answers

    CloudTrailBackend.list_trails = list_trails
    CloudTrailBackend.describe_trails = describe_trails
    CloudTrailBackend.get_trail_status = get_trail_status
    CloudTrailBackend.get_event_selectors = get_event_selectors
    CloudTrailBackend.get_insight_selectors = get_insight_selectors
    CloudTrailBackend.list_tags = list_tags
    _PATCHED = True
