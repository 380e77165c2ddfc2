#!/usr/bin/env bash
# The webgpu specs run TensorFlow.js's WebGPU backend through Dawn (the `webgpu` package) on Mesa's
# lavapipe, a Vulkan driver that computes on the CPU. Dawn 0.6.2 rejects the lavapipe of Debian 12's
# own Mesa (22.3); Mesa 25 from bookworm-backports works. A fresh machine of this project's kind
# (Debian 12) installs it from Debian's packages; a machine that has it already exits at once.
set -eu
MIN_MESA=25
have_mesa() {
  local version
  version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) || return 1
  dpkg --compare-versions "$version" ge "$MIN_MESA" && [ -n "$(ls /usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null)" ]
}
have_mesa && exit 0
command -v apt-get >/dev/null || { echo "Mesa ≥ $MIN_MESA's Vulkan drivers (lavapipe) are missing and this is not a Debian machine: install mesa-vulkan-drivers ≥ $MIN_MESA" >&2; exit 1; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
. /etc/os-release
echo "Mesa ≥ $MIN_MESA's lavapipe is missing: installing mesa-vulkan-drivers from ${VERSION_CODENAME}-backports" >&2
if ! grep -rqs "${VERSION_CODENAME}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$VERSION_CODENAME" |
    $SUDO tee "/etc/apt/sources.list.d/${VERSION_CODENAME}-backports.sources" >/dev/null
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t "${VERSION_CODENAME}-backports" mesa-vulkan-drivers libvulkan1 >/dev/null
have_mesa || { echo "could not install Mesa ≥ $MIN_MESA's lavapipe (mesa-vulkan-drivers from ${VERSION_CODENAME}-backports)" >&2; exit 1; }
