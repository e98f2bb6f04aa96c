"""The base of every settings model: frozen, closed to unknown keys, lax only where -c needs it."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


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


# CloudWatch Logs keeps logs for exactly these periods, in days.
LOG_RETENTION_PERIODS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip


def _cloudwatch_period(value: int) -> int:
    if value not in LOG_RETENTION_PERIODS:
        raise ValueError(
            "is not a CloudWatch Logs retention period; expected one of "
            + ", ".join(map(str, LOG_RETENTION_PERIODS))
        )
    return value


LogRetentionDays = Annotated[int, AfterValidator(_cloudwatch_period)]
"""Days a log group keeps its logs: one of CloudWatch's periods."""
