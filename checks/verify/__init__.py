"""``trailguard verify``: prove CloudTrail log files intact with the signed digest chain (CT-06).

AWS's documented algorithm ("CloudTrail digest file structure" and "Custom implementations of CloudTrail
log file integrity validation", CloudTrail User Guide), one module per step of the one-way flow:

- ``layout``: where digests and log files live in the bucket, and how their names parse (pure);
- ``digest``: a digest file parsed, its data-signing string and its SHA256withRSA signature (pure);
- ``judge``: the chain, the log-file hashes and coverage turned into CT-06 Results (pure);
- ``fetch``: the only boto3 code, read-only (S3 List/Get, CloudTrail DescribeTrails/GetTrail/ListPublicKeys);
- ``run``: the concurrent plan (accounts x regions x hours) that feeds ``judge``;
- ``command``: the CLI entry, registered in ``checks.cli._SUBCOMMANDS``.

Nothing here imports boto3 at module level except ``fetch`` (imported only when a run starts).
"""
