"""The README's settings reference, made from the models themselves and cdk.json.

`python -m settings.reference` prints it; `python -m tools.readme` writes it into the README.
"""

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .environment import EnvironmentSettings

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def reference(cdk_json: Path = CDK_JSON) -> str:
    """Markdown: one table per group of settings, with type, default, dev, prod and meaning."""
    environments = json.loads(cdk_json.read_text())["context"]["environments"]
    lines = []
    for group, model in _groups(EnvironmentSettings):
        lines += ["", f"#### `{group}`" if group else "#### environment", ""]
        lines += ["| key | type | default | dev | prod | meaning |", "|---|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            if _model_of(field.annotation):
                continue
            key = f"{group}.{name}" if group else name
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{key}`",
                        _type_name(field.annotation),
                        "required"
                        if field.is_required()
                        else _shown(field.get_default(call_default_factory=True)),
                        _configured(environments.get("dev", {}), key),
                        _configured(environments.get("prod", {}), key),
                        " ".join((field.description or "").split()).replace("|", "\\|"),
                    ]
                )
                + " |"
            )
    return "\n".join(lines).strip("\n")


def _groups(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[BaseModel]]]:
    found = [(prefix, model)]
    for name, field in model.model_fields.items():
        nested = _model_of(field.annotation)
        key = f"{prefix}.{name}" if prefix else name
        if nested:
            found += _groups(nested, key)
        elif item := _item_model_of(field.annotation):
            found += _groups(item, f"{key}[]")
    return found


def _item_model_of(annotation: Any) -> type[BaseModel] | None:
    """The model of each item of a list field, e.g. one lifecycle rule, or None."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (tuple, list):
        return _model_of(typing.get_args(annotation)[0])
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The settings model a field holds (also when optional), or None for a plain value."""
    candidates = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if _is_union(annotation):
        return " or ".join(_type_name(arg) for arg in typing.get_args(annotation))
    if origin in (tuple, list):
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        inner = _type_name(args[0]) if args else "value"
        return f"list of {inner}"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def _shown(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, tuple):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    text = json.dumps(value)
    return f"`{text}`".replace("|", "\\|") if len(text) <= 60 else "see cdk.json"


def _configured(environment: dict, key: str) -> str:
    if "[]" in key:
        return "per item"
    node: Any = environment
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return "—"
        node = node[part]
    return _shown(node)


if __name__ == "__main__":
    sys.stdout.write(reference() + "\n")
