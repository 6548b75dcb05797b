# One image for every app service; compose picks the service with its `command`.
# Node 24 is the LTS the images use; the OpenTelemetry SDK 2.x line pinned in package.json
# supports it as well as Node 20 (see README, "Node versions").
FROM node:24.11.1-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24.11.1-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app /app
USER node
