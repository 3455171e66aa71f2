class SettingsError(ValueError):
    """A bad stack setting. The message names the config key, the value given and what is allowed."""
