"""The app's settings: one place that reads cdk.json context and validates it."""

from .environment import EnvironmentSettings, Settings
from .loader import SettingsError, load_settings

__all__ = ["EnvironmentSettings", "Settings", "SettingsError", "load_settings"]
