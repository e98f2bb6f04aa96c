"""Reads the selected environment out of the CDK context into frozen, validated settings.

The context is cdk.json's `context` plus every `-c key=value` from the command line. Picked
with `-c env=<name>` (default `dev`), `environments.<name>` is the environment's base; a dotted
key such as `-c compute.min_capacity=3` (or the bare name of a top-level one, `-c account=...`)
overrides one value inside it.
"""

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .environment import EnvironmentSettings, Settings

DEFAULT_ENV = "dev"
# The context keys of the app itself, beside the environment's settings.
APP_KEYS = ("env", "project", "target", "environments")
_PLAIN_KEY = re.compile(r"^[a-z_]+$")
# Upper case too, so that a mistyped `-c Compute.min_capacity=3` is refused, not ignored.
_OVERRIDE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
_SUBKEY_MESSAGE = re.compile(r"^([a-z_][a-z0-9_.\[\]]*): (.*)$", re.DOTALL)


class SettingsError(Exception):
    """The settings cannot be used; the message names every key at fault."""


def load_settings(context: Mapping[str, Any]) -> Settings:
    """Validated settings of the environment that the context selects."""
    env_name = str(context.get("env", DEFAULT_ENV))
    environments = context.get("environments")
    if not isinstance(environments, Mapping) or not environments:
        raise SettingsError(
            "cdk.json: context.environments is missing; expected an object "
            'with one entry per environment, e.g. {"dev": {...}}'
        )
    if env_name not in environments:
        known = ", ".join(sorted(environments))
        raise SettingsError(
            f"env: got {env_name!r}; expected one of the environments in cdk.json: {known}"
        )

    _refuse_unknown_plain_keys(context)
    raw = copy.deepcopy(dict(environments[env_name] or {}))
    for key, value in sorted(context.items()):
        # A dotted key, or the bare name of an environment setting (`-c account=...`, and
        # `-c compute=3`, which validation then refuses by name).
        if _OVERRIDE_KEY.match(key) or key in EnvironmentSettings.model_fields:
            _apply_override(raw, key.split("."), value)
    try:
        environment = EnvironmentSettings.model_validate(raw)
    except ValidationError as error:
        raise SettingsError(_describe(error, f"environments.{env_name}", env_name)) from None
    try:
        return Settings(
            project=context.get("project", "qea"),
            env_name=env_name,
            target=context.get("target", "aws"),
            environment=environment,
        )
    except ValidationError as error:
        raise SettingsError(_describe(error, "", env_name)) from None


def _refuse_unknown_plain_keys(context: Mapping[str, Any]) -> None:
    """A plain lower-case key is ours or a typo (`-c evn=prod`); CDK's own keys have `:`."""
    known = {*APP_KEYS, *EnvironmentSettings.model_fields}
    unknown = sorted(key for key in context if _PLAIN_KEY.match(key) and key not in known)
    if unknown:
        raise SettingsError(
            f"unknown context key {', '.join(map(repr, unknown))}; expected one of "
            f"{', '.join(sorted(known))}, or a dotted setting such as compute.min_capacity"
        )


def _apply_override(raw: dict, path: list[str], value: Any) -> None:
    node = raw
    for part in path[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        elif not isinstance(child, dict):
            # Let validation name the key: it expects a group here, not a value.
            return
        node = child
    node[path[-1]] = _parse_cli_value(value)


def _parse_cli_value(value: Any) -> Any:
    """A `-c` value is a string; JSON lists and objects in it become lists and objects."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, str) and value == "null":
        return None
    return value


def _describe(error: ValidationError, prefix: str, env_name: str) -> str:
    lines = [f"Invalid settings for environment {env_name!r} (cdk.json context and -c):"]
    for problem in error.errors(include_url=False):
        location = [str(part) for part in problem["loc"]]
        message = problem["msg"].removeprefix("Value error, ")
        match = _SUBKEY_MESSAGE.match(message)
        shown_value = problem.get("input")
        if problem["type"] == "value_error" and match:
            location.append(match.group(1))
            message = match.group(2)
            shown_value = _value_at(shown_value, match.group(1).split("."))
        key = ".".join(part for part in [prefix, *location] if part)
        if problem["type"] == "extra_forbidden":
            message = "unknown setting; check its spelling against the README's settings reference"
        lines.append(f"  {key}: {message}; got {_shown(shown_value)}")
    return "\n".join(lines)


def _value_at(value: Any, path: list[str]) -> Any:
    """The value at a dotted path below `value` (list items by index), as far as it goes."""
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            break
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
