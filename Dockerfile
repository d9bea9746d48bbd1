# syntax=docker/dockerfile:1
# twenty-server in two stages: a Rust build whose registry and target directory are BuildKit cache mounts (a
# rebuild after a source change recompiles the project's crates only), then a slim runtime image that runs as an
# unprivileged user with a writable data volume. See docs/configuration.md for the variables.
# The web pages' assets (GraphiQL, React, swagger-ui) from the npm registry, as pinned by web/package-lock.json;
# the server's build script embeds them.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM rust:1.95-bookworm AS build
WORKDIR /src
# The commit for `--version` (the build context has no .git): docker build --build-arg TWENTY_GIT_COMMIT=$(git rev-parse --short=12 HEAD) .
ARG TWENTY_GIT_COMMIT=unknown
ENV TWENTY_GIT_COMMIT=${TWENTY_GIT_COMMIT}
COPY . .
COPY --from=web /src/web/node_modules /src/web/node_modules
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p twenty-server \
    && cp target/release/twenty-server /usr/local/bin/twenty-server

FROM debian:bookworm-slim
# Pinned to the bookworm release; `apt-get install ca-certificates=<version>` breaks on every point release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data \
    && chown 65534:65534 /data
COPY --from=build /usr/local/bin/twenty-server /usr/local/bin/twenty-server
# DATA_DIR holds the generated secret and the private PostgreSQL when DATABASE_URL is unset (that mode needs the
# PostgreSQL server binaries, which this image does not carry: give it DATABASE_URL and APP_SECRET).
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data LOG_FORMAT=json
VOLUME ["/data"]
WORKDIR /data
EXPOSE 3000
# nobody:nogroup, numerically, so that the host can resolve it.
USER 65534:65534
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["twenty-server", "healthcheck"]
ENTRYPOINT ["twenty-server"]
CMD ["serve"]
