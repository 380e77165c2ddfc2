# A GPU worker for either GPU route (README, "Backends and GPU workers"):
# - `ABLATE_BACKEND=tensorflow`: @tensorflow/tfjs-node-gpu 4.22 loads libtensorflow 2.9.1, built
#   against CUDA 11.2 and cuDNN 8.1. It links the CUDA 11 and cuDNN 8 sonames (libcudart.so.11.0,
#   libcudnn.so.8 …), which CUDA 11.8 and cuDNN 8.x provide under CUDA's minor-version compatibility.
# - `ABLATE_BACKEND=webgpu`: Dawn's Node bindings (the `webgpu` package, its dawn.node inside) on
#   NVIDIA's Vulkan driver. dawn.node needs glibc ≥ 2.34, so Ubuntu 22.04 (2.35): no CUDA 11.2 image
#   exists for it, hence 11.8 rather than the 11.2.2 images on Ubuntu 20.04 (glibc 2.31).
# The tag below could not be checked where this file was written (no Docker engine, no Docker Hub):
# NVIDIA deleted several CUDA 11 tags from Docker Hub in 2023 (11.2.0, 11.2.1, 11.4.0, 11.7.0 among
# them) and has kept the last patch release of each minor so far; if a pull says "manifest unknown",
# pick the newest `11.8.*-cudnn8-runtime-ubuntu22.04` tag listed at hub.docker.com/r/nvidia/cuda.
FROM node:20-bookworm-slim AS node
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
# Node 20 from the official image (its binary needs glibc ≥ 2.28).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# libvulkan1: the Vulkan loader Dawn opens; the driver itself (libGLX_nvidia) is mounted by the
# NVIDIA container toolkit when NVIDIA_DRIVER_CAPABILITIES includes `graphics`, and the ICD file
# tells the loader where it is.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && apt-get update && apt-get install -y --no-install-recommends ca-certificates libvulkan1 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/vulkan/icd.d \
 && printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3"}}\n' > /etc/vulkan/icd.d/nvidia_icd.json
WORKDIR /app
# compute,utility: CUDA (tensorflow); graphics: the Vulkan driver (webgpu).
ENV NODE_ENV=production ABLATE_BACKEND=tensorflow NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
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
# `npm ci` as README.md documents; tfjs-node-gpu's install downloads libtensorflow (GPU build); the
# webgpu packages carry their binaries.
RUN npm ci --include=dev --no-audit --no-fund
# Fail the build, not the first job, if either GPU route's binary did not install.
RUN ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node node_modules/webgpu/dist/linux-x64/dawn.node
COPY . .
CMD ["node", "-r", "./scripts/register.js", "apps/worker/src/main.ts"]
