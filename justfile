# Recipes are thin wrappers over scripts/ and cargo; CI does not need `just`.

# Run the server (private PostgreSQL under ./data unless DATABASE_URL is set)
serve:
    cargo run -p twenty-server -- serve

# Run every test
test:
    cargo test --workspace

# What CI runs
ci:
    .ci/run

# Manage the tests' private PostgreSQL: start, stop, status, url
test-cluster action="status":
    scripts/test-cluster {{action}}

# The benchmark beside PostGraphile and pgbench (docs/benchmarks.md); arguments go to bench/run.py
bench *args:
    scripts/bench {{args}}
