class SettingsError(ValueError):
    """A bad stack setting. The message names the config key, the value given and what is allowed.

    ``problems`` holds each sentence on its own, so a caller can merge several loaders' problems into one report.
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


def settings_error(problems: list[str]) -> SettingsError:
    """One error listing every problem (one line when there is one)."""
    if len(problems) == 1:
        return SettingsError(f"invalid trailguard settings: {problems[0]}", problems)
    return SettingsError("invalid trailguard settings:\n  - " + "\n  - ".join(problems), problems)
