"""The base of every settings model: frozen, closed to unknown keys, lax only where -c needs it."""

from pydantic import BaseModel, ConfigDict


class SettingsModel(BaseModel):
    """A group of settings read from `environments.<env>` in cdk.json.

    Values given with `-c key=value` arrive as strings, so numbers and booleans are coerced
    from their string forms ("3", "false"); anything else that does not fit is an error.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=True,
        use_attribute_docstrings=True,
    )


def setting_error(key: str, message: str) -> ValueError:
    """An error about one setting below the model that raises it, named by its relative key.

    The loader turns `key` into the full dotted path, e.g. `environments.dev.data.<key>`.
    """
    return ValueError(f"{key}: {message}")
