# baton-langsmith container image: the connector as a ConductorOne service-mode daemon (or one-shot syncs).
# `npm run check:image` performs these same install steps in empty directories and runs the result,
# since image builds cannot be exercised where this project is tested.

# --- build: compile TypeScript and the native modules (better-sqlite3, zstd-napi), then drop dev deps ---
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 zstd-napi
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev \
 && rm -rf dist/demo dist/bench dist/simulator

# --- runtime: production dependencies and the compiled CLI only; no compiler, no npm cache; not root ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    BATON_HEALTH_CHECK=true
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
USER node
# The health server is on by default in the image (BATON_HEALTH_CHECK=true, on 127.0.0.1:8081), so the
# container's own check works; Kubernetes probes need BATON_HEALTH_CHECK_BIND_ADDRESS=0.0.0.0.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "/app/bin/baton-langsmith", "health-check", "--endpoint", "health", "--timeout", "8"]
ENTRYPOINT ["node", "/app/bin/baton-langsmith"]
