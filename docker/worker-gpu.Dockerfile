# A GPU worker: @tensorflow/tfjs-node-gpu 4.22 loads libtensorflow 2.9.1, built against
# CUDA 11.2 and cuDNN 8.1, which this base image provides (cuDNN 8.1.1).
FROM node:20-bookworm-slim AS node
FROM nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04
# Node 20 from the official image (its binary needs glibc ≥ 2.28; Ubuntu 20.04 has 2.31).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production ABLATE_BACKEND=tensorflow
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY libs/config/package.json libs/config/
COPY libs/contract/package.json libs/contract/
COPY libs/engine/package.json libs/engine/
COPY libs/detection/package.json libs/detection/
COPY libs/data/package.json libs/data/
COPY libs/jobs/package.json libs/jobs/
COPY libs/store/package.json libs/store/
# `npm ci` as README.md documents; tfjs-node-gpu's install downloads libtensorflow (GPU build).
RUN npm ci --include=dev --no-audit --no-fund
# Fail the build, not the first job, if the GPU binding did not install.
RUN ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node
COPY . .
CMD ["node", "-r", "./scripts/register.js", "apps/worker/src/main.ts"]
