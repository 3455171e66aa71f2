"""What the history and Lake controls need collected (merged into checks.collect.NEEDS)."""
NEEDS = {
    "cloudtrail_logging_continuous": frozenset({"status", "selectors", "regions", "history"}),
    # the trail's bucket region, keys and log groups say where tamper events can be recorded
    "cloudtrail_audit_resources_untampered": frozenset({"status", "selectors", "regions", "monitoring", "history",
                                                         "bucket:logging"}),
    **{f"cloudtrail_lake_{c}": frozenset({"lake"}) for c in (
        "kms_encryption_enabled", "termination_protection_enabled", "retention_sufficient",
        "multi_region_enabled", "organization_enabled", "ingestion_enabled")},
}
