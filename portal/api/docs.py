"""The API reference page: rendered on the server from the OpenAPI document (no CDN, no script)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict[str, Any]) -> str:
    """A short human-readable type of a JSON schema ("string", "array of Request", "integer or null")."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "object")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for one in kinds:
        if one == "array":
            words.append(f"array of {type_of(schema.get('items', {}))}")
        elif one == "object" and isinstance(schema.get("additionalProperties"), dict):
            words.append(f"map of {type_of(schema['additionalProperties'])}")
        else:
            fmt = schema.get("format") if one != "null" else None
            words.append(one + (f" ({fmt})" if fmt else ""))
    if "enum" in schema:
        words.append("one of " + ", ".join(str(v) for v in schema["enum"] if v is not None))
    return " or ".join(words)


def fields_of(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The properties of an object schema as table rows."""
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_of(prop),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _body_schema(content: dict[str, Any]) -> str:
    for media in content.values():
        return type_of(media.get("schema", {}))
    return ""


def reference(spec: dict[str, Any]) -> dict[str, Any]:
    """What the reference page shows: operations grouped by tag, and every schema's fields."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            entry = {
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "scope": op.get("x-scope", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "required": p.get("required", False),
                        "type": type_of(p.get("schema", {})),
                        "description": p.get("description", ""),
                    }
                    for p in op.get("parameters", [])
                ],
                "body": _body_schema(body) if body else "",
                "responses": [
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "schema": _body_schema(response.get("content", {})),
                    }
                    for code, response in sorted(op.get("responses", {}).items())
                ],
            }
            for tag in op.get("tags", ["Other"]):
                groups.setdefault(tag, []).append(entry)
    schemas = {
        name: fields_of(schema) for name, schema in spec.get("components", {}).get("schemas", {}).items()
    }
    return {"groups": groups, "schemas": dict(sorted(schemas.items())), "info": spec.get("info", {})}


@bp.route("/api/v1/docs")
def docs():
    return render_template("api/docs.html", ref=reference(current_app.spec))  # type: ignore[attr-defined]
