"""trailguard checks: one CloudTrail control catalog, evaluated on live accounts and on Pulumi stacks.

Flow: collect (boto3) -> facts -> rules -> findings -> report. Nothing here imports boto3 or pulumi at
module top level, so the CLI starts fast.
"""
__version__ = "0.1.0"
