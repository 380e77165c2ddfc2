# The API and the CPU worker: Node 20 and the repository, installed with `npm ci` as README.md
# documents. TypeScript runs through SWC at start (scripts/register.js); the one build step is the
# web console's (Vite).
FROM node:20-bookworm-slim
WORKDIR /app
RUN chown node:node /app
# Not root: the install and the processes run as the image's `node` user.
USER node
ENV NODE_ENV=production
# Workspace manifests first, so the dependency layer is cached until they change.
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node apps/api/package.json apps/api/
COPY --chown=node:node apps/worker/package.json apps/worker/
COPY --chown=node:node apps/cli/package.json apps/cli/
COPY --chown=node:node apps/web/package.json apps/web/
COPY --chown=node:node libs/config/package.json libs/config/
COPY --chown=node:node libs/contract/package.json libs/contract/
COPY --chown=node:node libs/engine/package.json libs/engine/
COPY --chown=node:node libs/detection/package.json libs/detection/
COPY --chown=node:node libs/data/package.json libs/data/
COPY --chown=node:node libs/jobs/package.json libs/jobs/
COPY --chown=node:node libs/store/package.json libs/store/
# Dev dependencies stay: SWC registers TypeScript at run time. The native tfjs packages are
# optional: where their binary downloads they are used, otherwise install still succeeds (wasm).
RUN npm ci --include=dev --no-audit --no-fund
COPY --chown=node:node . .
# The web console the API serves at /ui (npm ci's prepare skipped it: the sources were not in yet).
RUN npm run build:web
CMD ["node", "-r", "./scripts/register.js", "apps/worker/src/main.ts"]
