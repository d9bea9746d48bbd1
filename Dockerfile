# Multi-stage build of twenty-server.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p twenty-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/twenty-server /usr/local/bin/twenty-server
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
USER nobody
ENTRYPOINT ["twenty-server"]
CMD ["serve"]
