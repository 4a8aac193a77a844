# Syncline's roles in one image: web (`npm run web`), worker (`npm run worker`), release steps
# (`npm run migrate`, `npm run temporal:server -- schema`) and the Temporal server (`npm run temporal:server -- start`).
# NOT RUN HERE: the machine this was written on has no Docker engine (see docs/scaling.md). The commands each
# stage runs are the ones the scale scenario test and `npm run bench -- scale` run outside Docker.

# --- The Temporal server and temporal-sql-tool v1.29.1, built from source (no replace directive in go.mod).
FROM golang:1.24-bookworm AS temporal
RUN GOBIN=/out go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1

# --- Dependencies and the production build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies patches/ after the install (see docs/performance.md)
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

# --- Runtime: one image, the role chosen by the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 SYNCLINE_DATA_DIR=/var/lib/syncline \
    TEMPORAL_SERVER_PATH=/usr/local/bin/temporal-server TEMPORAL_SQL_TOOL_PATH=/usr/local/bin/temporal-sql-tool
COPY --from=temporal /out/server /usr/local/bin/temporal-server
COPY --from=temporal /out/sql /usr/local/bin/temporal-sql-tool
COPY --from=build /app /app
RUN mkdir -p /var/lib/syncline && chown node:node /var/lib/syncline
USER node
EXPOSE 3000 7233
CMD ["npm", "run", "web"]
