"""Validate GraphQL documents against a schema given as an introspection result, with graphql-core."""
import json
import sys

from graphql import build_client_schema, parse, validate
from graphql.utilities import print_schema


def main() -> int:
    introspection_path, *documents = sys.argv[1:]
    with open(introspection_path, encoding="utf-8") as f:
        introspection = json.load(f)
    schema = build_client_schema(introspection.get("data", introspection))
    # Printing exercises every type reference of the schema.
    assert "type " in print_schema(schema)
    failures = 0
    for path in documents:
        with open(path, encoding="utf-8") as f:
            document = parse(f.read())
        errors = validate(schema, document)
        for error in errors:
            failures += 1
            print(f"{path}: {error.message}")
    print(f"graphql-core: {len(documents)} documents validated, {failures} errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
