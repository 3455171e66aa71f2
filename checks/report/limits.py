"""Size limits of the places reports are pasted into.

GitHub rejects an issue or pull-request comment body over 65,536 characters ("Body is too long"). We
count UTF-16 code units, which is at least the number of characters whatever GitHub counts, so an emoji
never tips a comment over. A report over the limit is cut at a line boundary and ends with one line
saying so and where the whole report is (the CI artifact: JSON, HTML).
"""
from __future__ import annotations

GITHUB_COMMENT_LIMIT = 65_536


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def truncate_for_github(text: str, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    if utf16_len(text) <= limit:
        return text
    notice = (f"\n\n> **Truncated** to stay under GitHub's {limit:,}-character comment limit; see the "
              "artifact (the JSON or HTML report) for every finding.\n")
    budget = limit - utf16_len(notice)
    lines, used = [], 0
    for line in text.splitlines(keepends=True):
        size = utf16_len(line)
        if used + size > budget:
            break
        lines.append(line)
        used += size
    return "".join(lines).rstrip("\n") + notice
