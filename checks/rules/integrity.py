"""CT-06's predicate: one digest chain (``StreamFacts``) -> its Results.

The judging itself lives with the verify core (``checks.verify.judge``), which also says which S3 key and
time each Result is about; this module registers it under the control id, with scope ``stream``.
"""
from __future__ import annotations

from checks.model import Result
from checks.rules import rule


@rule("cloudtrail_log_files_integrity_verified", "stream")
def cloudtrail_log_files_integrity_verified(facts) -> list[Result]:
    from checks.verify.judge import judge

    return [check.result for check in judge(facts).checks]
