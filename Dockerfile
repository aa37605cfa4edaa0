# syntax=docker/dockerfile:1
# The Threadline server (`threadline start`) with the built widget and console. Not built on the
# development machine (it has no Docker); packages/server/src/config/deploy-files.test.ts checks the
# settings, COPY sources and entry point against the code. See docs/production.md.

# --- build: every workspace package, with the dev tools the build needs --------------------------
FROM node:20-bookworm AS build
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
WORKDIR /src
# The lockfile alone first, so the dependency download is cached until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm build
# The server and its production dependencies only (workspace packages copied in, not linked).
RUN pnpm --filter @threadline/server deploy --prod --legacy /out

# --- runtime: production dependencies, a non-root user, one volume ------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    THREADLINE_MODE=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    THREADLINE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /out /app
RUN ln -s /app/bin/threadline.js /usr/local/bin/threadline \
    && mkdir -p /data \
    && chown node:node /data
# `node` (uid 1000) comes with the image; the code stays owned by root, read-only to the server.
USER node
VOLUME ["/data"]
EXPOSE 8787
# /healthz answers while the process is alive (/readyz also checks the database and migrations).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["threadline"]
CMD ["start"]
