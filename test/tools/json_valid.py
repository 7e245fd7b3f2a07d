#!/usr/bin/env python3
"""json_valid.py SCHEMA FILE -- validate the JSON document in FILE
against the JSON Schema (draft 2020-12) SCHEMA.

Exit 0 valid, 1 not valid (the first errors on stderr), 2 FILE is not
JSON or SCHEMA is not a schema, 77 python3-jsonschema is missing (the
integration tests' skip)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)

if len(sys.argv) != 3:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
except (OSError, ValueError, jsonschema.SchemaError) as e:
    print(f"{sys.argv[1]}: not a schema: {e}", file=sys.stderr)
    sys.exit(2)
try:
    # Strict: bytes that are not UTF-8 are an error, not replaced.
    with open(sys.argv[2], "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
except (OSError, ValueError) as e:
    print(f"{sys.argv[2]}: not JSON: {e}", file=sys.stderr)
    sys.exit(2)
validator = jsonschema.Draft202012Validator(
    schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:5]:
    where = "/".join(str(p) for p in e.path) or "(top)"
    print(f"{sys.argv[2]}: {where}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
