#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian/Ubuntu machine (idempotent).
# - dpkg (present on Debian) and rpm: live oracles for the version engines; rpm (rpmbuild),
#   dnf, dnf-plugins-core and createrepo-c: real rpm databases and dnf repositories for the
#   rpm-family scan and deploy-command tests
# - python3-apt, python3-rpm: libapt and librpm comparisons, for the version benchmark
# - tmux: drives the terminal (TTY) tests of prompts
# - qemu-utils: qemu-img and qemu-io, for the qemu-img snapshot provider
# - ansible-core: ansible-playbook, for deploy --engine ansible
# - chromium, chromium-driver: render the HTML report headless (tests/report.rs)
# - the fleet lab's packages (tests/lab/install-deps.sh), where that script exists
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need=()
for pkg in rpm dnf dnf-plugins-core createrepo-c python3-apt python3-rpm tmux qemu-utils ansible-core chromium chromium-driver; do
  dpkg-query -W -f '${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ -x tests/lab/install-deps.sh ]; then
  $SUDO tests/lab/install-deps.sh
fi
