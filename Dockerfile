# syntax=docker/dockerfile:1
#
# gopy — public-consultation portal.
#   docker build -t gopy .
#   docker run -p 8080:8080 -v gopy-data:/app/data gopy
# Default storage is embedded SQLite under /app/data (the working dir is /app);
# point it at PostgreSQL via the app's database setting for production.

ARG GO_VERSION=1.26

# ---- build -----------------------------------------------------------------
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 \
    GOFLAGS=-mod=readonly

# Module download first so it is cached independently of source changes.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
# timetzdata embeds the tz database (Asia/Ho_Chi_Minh) — the runtime image has none.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/gopy ./cmd/gopy \
 && mkdir -p /out/data

# ---- runtime ---------------------------------------------------------------
# distroless static: CA certificates, /etc/passwd with nonroot (65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/gopy /app/gopy
# Pre-create the data dir owned by nonroot so a fresh named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /app/data
USER nonroot:nonroot
ENV ADDR=:8080
VOLUME ["/app/data"]
EXPOSE 8080
ENTRYPOINT ["/app/gopy"]
CMD ["serve"]
