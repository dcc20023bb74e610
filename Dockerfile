# parity container image (Debian 12).
#
#   docker build -t parity:local .
#   docker run --rm -p 8080:8080 -e PARITY_DATABASE_URL=postgresql://... parity:local
#
# docker-compose.yml builds this image and runs it next to PostGIS.

# ---- build stage: compiler, -dev libraries and node for the web bundle ----
FROM debian:bookworm AS build

# The packages below are all the build needs; tell scripts/deps.sh (if the
# Makefile calls it) not to install the full development/test set.
ENV DEBIAN_FRONTEND=noninteractive \
    PARITY_SKIP_DEPS=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential pkg-config \
      libgdal-dev libproj-dev libmicrohttpd-dev libpq-dev libjson-c-dev zlib1g-dev libssl-dev libxxhash-dev \
      nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN make \
 && make web \
 && test -x build/parity \
 && test -d build/web \
 && mkdir -p data/demo sql

# ---- runtime stage: shared libraries only, unprivileged user ----
FROM debian:bookworm

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgdal32 libmicrohttpd12 libpq5 libjson-c5 zlib1g libssl3 libxxhash0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 parity \
 && useradd --system --uid 10001 --gid parity --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin parity

COPY --from=build /src/build/parity /usr/local/bin/parity
COPY --from=build /src/build/web /usr/local/share/parity/web
# Schema migrations and queries, for a binary that reads them at run time.
COPY --from=build /src/sql /usr/local/share/parity/sql
# Demo boundaries for the compose "load-demo" service.
COPY --from=build /src/data/demo /usr/local/share/parity/demo

USER 10001:10001
WORKDIR /usr/local/share/parity
EXPOSE 8080
ENTRYPOINT ["parity"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--web-root", "/usr/local/share/parity/web"]
