#!/usr/bin/env bash
# Installs what tests/lab/lab.sh needs on a brand-new Debian 12 machine (as root).
#
# Not needed on the machine: openssh-server. Every lab host runs the sshd of
# its own Debian base (installed into the base by lab.sh), so installing
# openssh-server here would only start a needless sshd on port 22.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: must run as root" >&2
    exit 1
fi

packages=(
    debootstrap            # builds the bookworm base (once)
    debian-archive-keyring # verifies the archive (debootstrap, apt in the base)
    wget                   # debootstrap downloads with it
    ca-certificates
    openssh-client         # ssh, ssh-keygen: the lab's client side and host keys
    util-linux             # unshare, nsenter, flock, setsid, pivot_root
    mount                  # mount, umount
    coreutils findutils grep sed
    dpkg                   # dpkg --compare-versions
    rpm                    # rpmbuild: the rpm hosts' packages (tests/lab/rpm/*.spec)
    createrepo-c           # createrepo_c, modifyrepo_c: the rpm hosts' repository and errata
    gcc libc6-dev          # the rpm hosts' daemon and library (tests/lab/rpm/pclab-daemon.spec)
)

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"

# The lab needs overlayfs; load the module when it is not built in.
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
