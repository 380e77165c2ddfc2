# The API and the CPU worker: Node 20 and the repository, installed with `npm ci` as README.md
# documents. TypeScript runs through SWC at start (scripts/register.js): there is no build step.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Workspace manifests first, so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/cli/package.json apps/cli/
COPY libs/detection/package.json libs/detection/
COPY libs/data/package.json libs/data/
COPY libs/jobs/package.json libs/jobs/
COPY libs/store/package.json libs/store/
# Dev dependencies stay: SWC registers TypeScript at run time. The native tfjs packages are
# optional: where their binary downloads they are used, otherwise install still succeeds (wasm).
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
USER node
CMD ["node", "-r", "./scripts/register.js", "apps/worker/src/main.ts"]
