#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian/Ubuntu machine (idempotent).
# - dpkg (present on Debian) and rpm: live oracles for the version engines; rpm (rpmbuild),
#   dnf, dnf-plugins-core and createrepo-c: real rpm databases and dnf repositories for the
#   rpm-family scan and deploy-command tests
# - python3-apt, python3-rpm: libapt and librpm comparisons, for the version benchmark
# - tmux: drives the terminal (TTY) tests of prompts
# - qemu-utils: qemu-img and qemu-io, for the qemu-img snapshot provider
# - ansible-core: ansible-playbook, for deploy --engine ansible (the POSIX playbook's tests)
# - python3-venv and, in the venv /opt/patchcycle-ansible, the `ansible` package from PyPI
#   (pinned): it ships the ansible.windows collection, whose win_updates module the
#   Windows playbook uses (tests/ansible_windows.rs: syntax check, options against
#   ansible-doc). Not on PATH: the POSIX tests keep Debian's ansible-core deliberately.
# - chromium, chromium-driver: render the HTML report headless (tests/report.rs)
# - the fleet lab's packages (tests/lab/install-deps.sh), where that script exists
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need=()
for pkg in rpm dnf dnf-plugins-core createrepo-c python3-apt python3-rpm tmux qemu-utils ansible-core python3-venv chromium chromium-driver; do
  dpkg-query -W -f '${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
ANSIBLE_VENV=/opt/patchcycle-ansible
ANSIBLE_PIN=12.3.0
if [ "$("$ANSIBLE_VENV/bin/python3" -c 'import importlib.metadata as m; print(m.version("ansible"))' 2>/dev/null)" != "$ANSIBLE_PIN" ]; then
  $SUDO /usr/bin/python3 -m venv "$ANSIBLE_VENV"
  $SUDO "$ANSIBLE_VENV/bin/pip" install -q --disable-pip-version-check "ansible==$ANSIBLE_PIN"
fi
if [ -x tests/lab/install-deps.sh ]; then
  $SUDO tests/lab/install-deps.sh
fi
