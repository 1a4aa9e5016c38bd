#!/usr/bin/env bash
# tests/lab/lab.sh: the patchcycle "fleet lab".
#
# Real Debian 12 (bookworm) hosts on this machine, each one an overlayfs copy
# of a cached debootstrap base, each with its own sshd on 127.0.0.1:22NN,
# running as PID 1 of private mount/pid/UTS/IPC namespaces; and rpm hosts
# (r1..rN, 127.0.0.1:23NN): the same base plus real rpm and dnf, an AlmaLinux 9
# os-release, an rpmdb and a local rpm-md repository with errata. See README.md.
set -euo pipefail

LAB_DIR=${PATCHCYCLE_LAB_DIR:-/var/lib/patchcycle-lab}
PORT_BASE=${PATCHCYCLE_LAB_PORT_BASE:-2200}
MIRROR=${PATCHCYCLE_LAB_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${PATCHCYCLE_LAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
START_TIMEOUT=${PATCHCYCLE_LAB_START_TIMEOUT:-20}  # seconds to wait for an sshd port
LOCK_TIMEOUT=${PATCHCYCLE_LAB_LOCK_TIMEOUT:-1800}  # seconds (a cold base build holds the lock)
SUITE=bookworm
MAX_HOSTS=99
# Bump when the base recipe changes: the base and the layers are rebuilt.
RECIPE=1
# Packages installed into the base (after policy-rc.d is in place).
BASE_PACKAGES=(openssh-server procps mount)
# Candidates for h3's extra package; the first one that is not in the base and
# whose bookworm-security version is newer than its bookworm version is used.
EXTRA_CANDIDATES=(unzip zip xz-utils)
# Exit code for "the lab cannot run here" (not root, no overlayfs, ...).
EX_UNAVAILABLE=3
# rpm hosts rN listen on PORT_BASE + RPM_PORT_OFFSET + N.
RPM_PORT_OFFSET=100
# Bump when the rpm layer must be rebuilt for a reason its fingerprint does not
# see (build_rpm's code and the specs and errata in tests/lab/rpm/ are part of
# it); the base is not rebuilt.
RPM_RECIPE=2
# Debian packages installed into the rpm layer (from the base's archive, suite
# bookworm); createrepo-c lets a test change the host's repository (a target
# that is gone: rm the .rpm, then lab-repo-refresh in the host).
RPM_HOST_PACKAGES=(rpm dnf dnf-plugins-core createrepo-c)
RPM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rpm

BASE=$LAB_DIR/base
LAYERS=$LAB_DIR/layers
HOSTS=$LAB_DIR/hosts
KEYS=$LAB_DIR/keys
RUN=$LAB_DIR/run
LOGS=$LAB_DIR/log
MUX=$LAB_DIR/mux
SSH_CONFIG=$LAB_DIR/ssh_config
KNOWN_HOSTS=$LAB_DIR/known_hosts
CLIENT_KEY=$KEYS/client_ed25519
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

usage() {
    cat <<EOF
usage: lab.sh COMMAND

  up N [--variant debian|rpm]
                 start Debian hosts h1..hN (the default), or rpm hosts r1..rN
                 (1 <= N <= $MAX_HOSTS); builds the base once (as root, needs the Debian
                 archive the first time), and the rpm layer the first time an rpm host
                 starts; idempotent
  down           stop every host, discard their changes; no process or mount is left
  status         list the hosts and whether they run
  reset HOST     put HOST (h1, h2, ..., r1, r2, ...) back in its initial state and
                 restart it (hN < 1 s, rN ~1.2 s)
  clean          down, then remove everything under $LAB_DIR (base included)
  ssh-config     print the ssh config for the running hosts (use with ssh -F)
  expected HOST  the pending security updates of HOST: "package installed candidate"
                 (apt's answer on hN, dnf's updateinfo answer on rN)

Hosts: h1, h4, h7, ... untouched base; h2, h5, ... partly patched with
/var/run/reboot-required; h3, h6, ... with an old extra package that has a
security update pending. Host hN listens on 127.0.0.1:\$((PORT_BASE+N)).
r1, r2, ...: AlmaLinux 9 stand-ins (real rpm and dnf, a local repository with
security and bug fix errata); rN listens on 127.0.0.1:\$((PORT_BASE+$RPM_PORT_OFFSET+N)).

Environment: PATCHCYCLE_LAB_DIR (default /var/lib/patchcycle-lab),
PATCHCYCLE_LAB_PORT_BASE (2200), PATCHCYCLE_LAB_MIRROR,
PATCHCYCLE_LAB_SECURITY_MIRROR, PATCHCYCLE_LAB_START_TIMEOUT (20 s).
Exit status 3 means the lab cannot run on this machine (reason on stderr).
EOF
}

log() { echo "lab.sh: $*" >&2; }
die() { echo "lab.sh: error: $*" >&2; exit 1; }
unavailable() { echo "lab.sh: unavailable: $*" >&2; exit "$EX_UNAVAILABLE"; }

# ---------------------------------------------------------------- checks ---

preflight() {
    [ "$(id -u)" = 0 ] || unavailable "must run as root (uid is $(id -u))"
    case $LAB_DIR in
        /*) ;;
        *) die "PATCHCYCLE_LAB_DIR must be an absolute path" ;;
    esac
    # sshd and our pivot_root dance dislike world-writable parents (/tmp, /var/tmp).
    local p=$LAB_DIR
    while [ "$p" != / ] && [ -n "$p" ]; do
        p=$(dirname "$p")
        if [ -d "$p" ] && [ -n "$(find "$p" -maxdepth 0 -perm -0002 2>/dev/null)" ]; then
            unavailable "$LAB_DIR has a world-writable parent ($p); use a path like /var/lib/patchcycle-lab"
        fi
    done
    if ! grep -qw overlay /proc/filesystems; then
        modprobe overlay 2>/dev/null || true
        grep -qw overlay /proc/filesystems || unavailable "the kernel has no overlayfs"
    fi
    local c
    for c in unshare nsenter flock setsid pivot_root mount ssh ssh-keygen; do
        command -v "$c" >/dev/null || unavailable "missing command $c (run tests/lab/install-deps.sh)"
    done
    unshare --mount --pid --uts --ipc --fork --propagation private true 2>/dev/null \
        || unavailable "cannot create mount/pid/UTS/IPC namespaces (unshare failed)"
}

lock() {
    mkdir -p "$LAB_DIR"
    chmod 755 "$LAB_DIR"
    exec 9>"$LAB_DIR/lock"
    flock -w "$LOCK_TIMEOUT" 9 || die "timed out after ${LOCK_TIMEOUT}s waiting for $LAB_DIR/lock"
}

# Close every file descriptor above 2 (background sshds must not hold our lock).
close_fds() {
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ] 2>/dev/null; then
            eval "exec $fd>&-" 2>/dev/null || true
        fi
    done
}

# Host names: hN (Debian, 1 <= N <= MAX_HOSTS) and rN (rpm).
host_check() {
    [[ $1 =~ ^[hr][1-9][0-9]?$ ]] || die "bad host name '$1' (expected h1..h$MAX_HOSTS or r1..r$MAX_HOSTS)"
}

host_port() {   # NAME
    local n=${1:1}
    case ${1:0:1} in
        h) echo $((PORT_BASE + n)) ;;
        r) echo $((PORT_BASE + RPM_PORT_OFFSET + n)) ;;
    esac
}

# --------------------------------------------------------------- the base ---

# Run a command inside ROOT (chroot in a private mount namespace with /proc and
# /dev; the mounts vanish with the namespace). With LOWER set, ROOT is first
# mounted as an overlay LOWER + UPPER (WORK).
in_root() {
    local root=$1
    shift
    # shellcheck disable=SC2016
    LAB_LOWER=${LAB_LOWER:-} LAB_UPPER=${LAB_UPPER:-} LAB_WORK=${LAB_WORK:-} \
    unshare --mount --propagation private -- /bin/sh -c '
        set -e
        root=$1; shift
        if [ -n "${LAB_LOWER:-}" ]; then
            mount -t overlay lab-build -o "lowerdir=$LAB_LOWER,upperdir=$LAB_UPPER,workdir=$LAB_WORK" "$root"
        fi
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
    ' in-root "$root" "$@" </dev/null
}

# apt's answer for the pending security updates, run inside a root.
# shellcheck disable=SC2016
ORACLE='LC_ALL=C apt-get -s -o Debug::NoLocking=1 dist-upgrade | awk '"'"'
    /^Inst / && $3 ~ /^\[/ {
        origin = substr($0, index($0, "("))
        if (origin ~ /-security/) {
            inst = $3; gsub(/[][]/, "", inst)
            cand = $4; sub(/^\(/, "", cand)
            print $2, inst, cand
        }
    }'"'"

# apt's list file prefix for a URI (what /var/lib/apt/lists calls it).
list_prefix() {
    local u=${1#*://}
    u=${u%/}
    u=${u//:/%3a}
    echo "${u//\//_}"
}

write_sources() {   # ROOT MAIN_URI SECURITY_URI SUITES...
    local root=$1 main=$2 sec=$3
    shift 3
    rm -f "$root/etc/apt/sources.list"
    {
        echo "# patchcycle lab"
        echo "Types: deb"
        echo "URIs: $main"
        echo "Suites: $*"
        echo "Components: main"
        echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
        if [ -n "$sec" ]; then
            echo
            echo "Types: deb"
            echo "URIs: $sec"
            echo "Suites: $SUITE-security"
            echo "Components: main"
            echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
        fi
    } >"$root/etc/apt/sources.list.d/debian.sources"
}

# Build a local, offline apt mirror inside the base from the downloaded
# indexes (signed InRelease files, verbatim) and the cached .debs, so that
# hosts run apt-get update/upgrade without touching the network.
build_mirror() {
    local root=$1 arch repo uri suite pfx m
    arch=$(in_root "$root" dpkg --print-architecture)
    m=$root/var/lib/lab-mirror
    rm -rf "$m"
    declare -A debs=()
    local f n
    for f in "$root"/var/cache/apt/archives/*.deb; do
        n=${f##*/}
        n=$(sed -E 's/_[0-9]+%3a/_/' <<<"$n")
        debs[$n]=$f
    done
    for repo in debian debian-security; do
        if [ "$repo" = debian ]; then uri=$MIRROR; else uri=$SECURITY_MIRROR; fi
        local suites=("$SUITE" "$SUITE-updates")
        [ "$repo" = debian-security ] && suites=("$SUITE-security")
        for suite in "${suites[@]}"; do
            pfx=$root/var/lib/apt/lists/$(list_prefix "$uri")_dists_${suite}
            [ -f "${pfx}_InRelease" ] || die "missing index ${pfx}_InRelease"
            mkdir -p "$m/$repo/dists/$suite/main/binary-$arch"
            cp "${pfx}_InRelease" "$m/$repo/dists/$suite/InRelease"
            # the signed index names the compressed file: fetch it as published
            in_root "$root" /usr/lib/apt/apt-helper download-file \
                "$uri/dists/$suite/main/binary-$arch/Packages.xz" \
                "/var/lib/lab-mirror/$repo/dists/$suite/main/binary-$arch/Packages.xz" >/dev/null \
                || die "cannot fetch $uri/dists/$suite/main/binary-$arch/Packages.xz"
            local path
            while read -r path; do
                n=${path##*/}
                [ -n "${debs[$n]:-}" ] || continue
                mkdir -p "$m/$repo/${path%/*}"
                ln -f "${debs[$n]}" "$m/$repo/$path" 2>/dev/null || cp "${debs[$n]}" "$m/$repo/$path"
            done < <(awk '/^Filename: /{print $2}' "${pfx}_main_binary-${arch}_Packages")
        done
    done
}

# The first extra candidate that is not installed and whose security version
# is newer than its bookworm version: prints "package bookworm-version security-version".
pick_extra() {
    local root=$1 p m sec
    for p in "${EXTRA_CANDIDATES[@]}"; do
        if in_root "$root" dpkg-query -W -f="\${Status}" "$p" 2>/dev/null | grep -q 'ok installed'; then
            continue
        fi
        m=$(in_root "$root" apt-cache madison "$p" | awk -F'|' -v s=" $SUITE/main " 'index($3, s) { gsub(/ /, "", $2); print $2; exit }')
        sec=$(in_root "$root" apt-cache madison "$p" | awk -F'|' -v s=" $SUITE-security/main " 'index($3, s) { gsub(/ /, "", $2); print $2; exit }')
        if [ -z "$m" ] || [ -z "$sec" ]; then continue; fi
        if dpkg --compare-versions "$sec" gt "$m"; then
            echo "$p $m $sec"
            return 0
        fi
    done
    return 1
}

build_base() {
    if [ -f "$LAB_DIR/base.ok" ] && [ "$(cat "$LAB_DIR/base.ok")" = "$RECIPE" ]; then
        return 0
    fi
    local t0=$SECONDS
    stop_all
    rm -rf "$BASE" "$LAYERS" "$HOSTS" "$LAB_DIR/base.ok" "$LAB_DIR/rpm.ok"
    mkdir -p "$LOGS" "$LAB_DIR/cache/debootstrap"
    local b=$LAB_DIR/base.build blog=$LOGS/base-build.log
    log "building the base (once; log in $blog)"
    : >"$blog"
    if [ ! -f "$LAB_DIR/base.build.debootstrap-ok" ]; then
        command -v debootstrap >/dev/null || unavailable "missing debootstrap (run tests/lab/install-deps.sh)"
        rm -rf "$b"
        log "debootstrap --variant=minbase $SUITE ..."
        debootstrap --variant=minbase --cache-dir="$LAB_DIR/cache/debootstrap" \
            "$SUITE" "$b" "$MIRROR" >>"$blog" 2>&1 \
            || { tail -20 "$blog" >&2; die "debootstrap failed"; }
        touch "$LAB_DIR/base.build.debootstrap-ok"
    fi

    # 1. Never start services: policy-rc.d BEFORE any package is installed.
    #    (It stays: hosts share the machine's network, a started daemon would
    #    bind real ports.)
    cat >"$b/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# patchcycle lab: services are never started by package scripts.
exit 101
EOF
    chmod 755 "$b/usr/sbin/policy-rc.d"
    cat >"$b/etc/apt/apt.conf.d/90patchcycle-lab" <<'EOF'
// patchcycle lab
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Binary::apt::APT::Keep-Downloaded-Packages "true";
// the local mirror keeps the archive's signed InRelease files as they were
Acquire::Check-Valid-Until "false";
Dpkg::Use-Pty "false";
EOF
    cp /etc/resolv.conf "$b/etc/resolv.conf"
    cp /etc/hosts "$b/etc/hosts"

    # 2. Packages the hosts need, from the bookworm main suite only, so that
    #    the security updates of everything in the base stay pending.
    write_sources "$b" "$MIRROR" "" "$SUITE"
    log "installing ${BASE_PACKAGES[*]} into the base"
    {
        in_root "$b" apt-get update
        in_root "$b" apt-get install -y "${BASE_PACKAGES[@]}"
    } >>"$blog" 2>&1 || { tail -20 "$blog" >&2; die "installing into the base failed"; }

    # 3. All three suites; download every pending update and the extra package
    #    (old and new), so that hosts work offline.
    write_sources "$b" "$MIRROR" "$SECURITY_MIRROR" "$SUITE" "$SUITE-updates"
    in_root "$b" apt-get update >>"$blog" 2>&1 || { tail -20 "$blog" >&2; die "apt-get update failed"; }
    local extra extra_pkg
    extra=$(pick_extra "$b") || die "none of ${EXTRA_CANDIDATES[*]} has a security update newer than its $SUITE version"
    extra_pkg=${extra%% *}
    log "extra package for h3: $extra (installed, security)"
    {
        in_root "$b" apt-get -d -y dist-upgrade
        in_root "$b" apt-get -d -y install "$extra_pkg/$SUITE"
        in_root "$b" apt-get -d -y install "$extra_pkg"
    } >>"$blog" 2>&1 || { tail -20 "$blog" >&2; die "downloading updates failed"; }
    # The old versions of what debootstrap installed are in its cache.
    local f
    for f in "$LAB_DIR"/cache/debootstrap/*.deb; do
        [ -e "$b/var/cache/apt/archives/${f##*/}" ] || ln -f "$f" "$b/var/cache/apt/archives/" 2>/dev/null \
            || cp "$f" "$b/var/cache/apt/archives/"
    done

    # 4. Switch the hosts to the offline mirror (same suites, same signed indexes).
    build_mirror "$b" >>"$blog" 2>&1
    rm -rf "$b/var/lib/apt/lists"/*_*
    cat >"$b/etc/apt/apt.conf.d/91patchcycle-lab-mirror" <<'EOF'
// patchcycle lab: the local mirror has no by-hash tree
Acquire::By-Hash "no";
EOF
    write_sources "$b" "file:/var/lib/lab-mirror/debian" "file:/var/lib/lab-mirror/debian-security" \
        "$SUITE" "$SUITE-updates"
    in_root "$b" apt-get update >>"$blog" 2>&1 || { tail -20 "$blog" >&2; die "apt-get update (offline mirror) failed"; }

    # 5. Host plumbing.
    rm -f "$b"/etc/ssh/ssh_host_*
    mkdir -p "$b/etc/ssh/lab-hostkey" "$b/.lab-oldroot" "$b/run/sshd" "$b/root/.ssh"
    chmod 755 "$b/run/sshd"
    cat >"$b/etc/ssh/sshd_config.d/00-patchcycle-lab.conf" <<'EOF'
# patchcycle lab: loopback only, key-only root login, many parallel sessions
ListenAddress 127.0.0.1
HostKey /etc/ssh/lab-hostkey/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
MaxStartups 200:30:400
MaxSessions 200
UseDNS no
PrintMotd no
PrintLastLog no
PidFile none
EOF
    cp "$CLIENT_KEY.pub" "$b/root/.ssh/authorized_keys"
    chmod 700 "$b/root/.ssh"
    chmod 600 "$b/root/.ssh/authorized_keys"
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$b/etc/hosts"
    echo "# patchcycle lab: hosts are offline (apt uses file:/var/lib/lab-mirror)" >"$b/etc/resolv.conf"
    echo lab >"$b/etc/hostname"
    : >"$b/etc/motd"
    cat >"$b/usr/local/sbin/reboot" <<'EOF'
#!/bin/sh
# patchcycle lab stand-in for reboot/shutdown/poweroff/halt.
# A host cannot reboot the machine. "reboot" clears the reboot-required files
# and drops every SSH session of this host (every process but the host's sshd,
# which is its PID 1); boot id and uptime do NOT change. "poweroff"/"halt"
# (or shutdown without -r) stop the host (its sshd exits).
me=${0##*/}
case "$me" in
    shutdown) case " $* " in *" -r "*|*" --reboot "*) me=reboot ;; *) me=poweroff ;; esac ;;
esac
rm -f /var/run/reboot-required /var/run/reboot-required.pkgs
if [ "$me" = reboot ]; then
    echo "lab: simulated reboot of $(hostname): dropping all sessions" >&2
    setsid /bin/sh -c 'sleep 0.2; kill -s KILL -- -1' </dev/null >/dev/null 2>&1 &
else
    echo "lab: simulated power-off of $(hostname)" >&2
    setsid /bin/sh -c 'sleep 0.2; kill -s TERM 1; kill -s KILL -- -1' </dev/null >/dev/null 2>&1 &
fi
exit 0
EOF
    chmod 755 "$b/usr/local/sbin/reboot"
    local s
    for s in shutdown poweroff halt; do ln -sf reboot "$b/usr/local/sbin/$s"; done
    rm -f "$LAB_DIR/base.build.debootstrap-ok"
    mv "$b" "$BASE"

    # 6. The variant layers (the upper dir of a build overlay becomes a lower
    #    layer of the hosts).
    build_layer patched "$blog" build_patched
    build_layer oldpkg "$blog" build_oldpkg "$extra_pkg"
    echo "$extra_pkg" >"$LAB_DIR/extra-package"
    echo "$RECIPE" >"$LAB_DIR/base.ok"
    log "base ready in $((SECONDS - t0)) s"
}

build_layer() {   # NAME LOG FUNCTION ARGS...
    local name=$1 blog=$2 fn=$3
    shift 3
    local d=$LAYERS/$name.build
    rm -rf "$d" "${LAYERS:?}/$name"
    mkdir -p "$d/upper" "$d/work" "$d/root"
    log "building layer $name"
    LAB_LOWER=$BASE LAB_UPPER=$d/upper LAB_WORK=$d/work
    "$fn" "$d/root" "$@" >>"$blog" 2>&1 || { tail -20 "$blog" >&2; die "building layer $name failed"; }
    LAB_LOWER="" LAB_UPPER="" LAB_WORK=""
    mv "$d/upper" "$LAYERS/$name"
    rm -rf "$d"
}

# h2: half of the pending security updates applied, reboot required.
build_patched() {
    local root=$1
    local pending half pkgs
    pending=$(in_root "$root" /bin/sh -c "$ORACLE" | awk '{print $1}' | sort)
    [ -n "$pending" ] || { echo "no pending security updates in the base"; return 1; }
    half=$(( ($(wc -l <<<"$pending") + 1) / 2 ))
    pkgs=$(head -n "$half" <<<"$pending" | tr '\n' ' ')
    echo "layer patched: upgrading $pkgs"
    # shellcheck disable=SC2086
    in_root "$root" apt-get install -y --only-upgrade $pkgs
    # shellcheck disable=SC2086,SC2016
    in_root "$root" /bin/sh -c '
        echo "*** System restart required ***" >/var/run/reboot-required
        for p in "$@"; do echo "$p"; done >/var/run/reboot-required.pkgs' sh $pkgs
    echo "layer patched: still pending:"
    in_root "$root" /bin/sh -c "$ORACLE"
}

# h3: an extra package at its (older) bookworm version.
build_oldpkg() {
    local root=$1 pkg=$2
    in_root "$root" apt-get install -y "$pkg/$SUITE"
}

# ------------------------------------------------------------ rpm layer ---

# dnf's answer for the pending security updates of an rpm host, run inside it:
# `dnf -C updateinfo list --security` (the errata whose fixed NEVRA is newer
# than what is installed), one line per package, "package installed candidate"
# with versions as [E:]V-R (no epoch when it is 0), the installed one being the
# newest installed build of that name.arch, the candidate the newest fixed one.
# shellcheck disable=SC2016
RPM_ORACLE='set -eu
newer() {   # A B: prints the newer of two EVRs, by rpm'"'"'s own comparison
    if [ -z "$1" ]; then echo "$2"; return; fi
    c=$(rpm --eval "%{lua: print(rpm.vercmp(\"$1\", \"$2\"))}")
    if [ "$c" = -1 ]; then echo "$2"; else echo "$1"; fi
}
list=$(LC_ALL=C dnf -C -q updateinfo list --security)
rows=$(printf "%s\n" "$list" | awk "NF == 3 { print \$3 }" | sort -u | while read -r nevra; do
    arch=${nevra##*.}; nevr=${nevra%.*}
    rel=${nevr##*-}; nev=${nevr%-*}
    ver=${nev##*-}; name=${nev%-*}
    inst=
    if rpm -q --quiet "$name.$arch"; then
        for v in $(rpm -q --qf "%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n" "$name.$arch"); do
            inst=$(newer "$inst" "$v")
        done
    fi
    if [ -z "$inst" ]; then echo "lab.sh: $name.$arch is not installed, yet has an erratum" >&2; exit 1; fi
    echo "$name $inst ${ver#0:}-$rel"
done)
printf "%s\n" "$rows" | sort | {
    prev= pi= pc=
    while read -r n i c; do
        if [ "$n" = "$prev" ]; then
            pc=$(newer "$pc" "$c")
            continue
        fi
        [ -z "$prev" ] || echo "$prev $pi $pc"
        prev=$n pi=$i pc=$c
    done
    [ -z "$prev" ] || echo "$prev $pi $pc"
}
'

rpm_recipe() {   # the rpm layer's fingerprint: RPM_RECIPE, its build code, the files it is built from
    { echo "$RPM_RECIPE"; declare -f build_rpm; cat "$RPM_SRC"/*.spec "$RPM_SRC/updateinfo.xml"; } \
        | sha256sum | cut -d' ' -f1
}

rpm_layer_ready() {
    [ -d "$LAYERS/rpm" ] && [ -f "$LAB_DIR/rpm.ok" ] && [ "$(cat "$LAB_DIR/rpm.ok")" = "$(rpm_recipe)" ]
}

# The layer of the rpm hosts, built once (when the first rpm host starts, or
# when its recipe changed), under the lab lock, on top of the base.
build_rpm_layer() {
    rpm_layer_ready && return 0
    local c
    for c in rpmbuild createrepo_c modifyrepo_c gcc; do
        command -v "$c" >/dev/null || unavailable "missing command $c (run tests/lab/install-deps.sh)"
    done
    ls "$RPM_SRC"/*.spec >/dev/null 2>&1 && [ -f "$RPM_SRC/updateinfo.xml" ] \
        || die "no spec files or updateinfo.xml in $RPM_SRC"
    # rpm hosts run on the old layer: stop them and drop their changes.
    local names=() n
    for n in $(known_host_names); do
        [ "${n:0:1}" = r ] && names+=("$n")
    done
    if [ "${#names[@]}" -gt 0 ]; then
        stop_hosts "${names[@]}"
        for n in "${names[@]}"; do rm -rf "${HOSTS:?}/$n"; done
    fi
    rm -f "$LAB_DIR/rpm.ok"
    local t0=$SECONDS blog=$LOGS/rpm-build.log
    mkdir -p "$LOGS"
    : >"$blog"
    log "building the rpm layer (once; log in $blog)"
    build_layer rpm "$blog" build_rpm
    rpm_recipe >"$LAB_DIR/rpm.ok"
    log "rpm layer ready in $((SECONDS - t0)) s"
}

# Runs with the build overlay of the layer at ROOT (mounted only inside each
# in_root call); its upper dir is written directly in between.
build_rpm() {
    local root=$1 upper=${1%/root}/upper
    local work=$LAB_DIR/rpm-build
    rm -rf "$work"
    mkdir -p "$work/home"

    # 1. Debian's rpm, dnf, dnf-plugins-core, createrepo-c, from the archive the base came
    #    from (suite bookworm, like the base's own packages). apt's lists and
    #    .debs for this go to a directory of their own, removed afterwards, so
    #    the hosts' apt state (the offline mirror) stays the base's.
    local apt=/var/lib/lab-rpm-apt
    mkdir -p "$upper$apt/lists/partial" "$upper$apt/archives/partial" "$upper/etc"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
        >"$upper$apt/sources.list"
    cp /etc/resolv.conf "$upper/etc/resolv.conf"
    local aptopts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
        -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
    echo "rpm layer: installing ${RPM_HOST_PACKAGES[*]}"
    # (errexit does not apply in here: build_layer calls this with ||)
    in_root "$root" apt-get "${aptopts[@]}" update || return 1
    in_root "$root" apt-get "${aptopts[@]}" install -y "${RPM_HOST_PACKAGES[@]}" || return 1
    rm -rf "${upper:?}$apt"
    # back to the base's resolv.conf (hosts are offline)
    rm -f "$upper/etc/resolv.conf"

    # 2. The packages, built here by rpmbuild from tests/lab/rpm/*.spec: each
    #    spec once as installed (pclab_update 0) and once as updated (1); a
    #    package without an update builds the same NEVRA twice, kept once.
    local spec u
    for spec in "$RPM_SRC"/*.spec; do
        for u in 0 1; do
            env -i PATH="$SAFE_PATH" HOME="$work/home" LC_ALL=C \
                rpmbuild -bb --quiet --define "_topdir $work/top$u" --define "pclab_update $u" \
                --define "_buildhost patchcycle-lab" "$spec" \
                || { echo "rpmbuild $spec (pclab_update $u) failed"; return 1; }
        done
    done
    local repo=/srv/pclab-repo f
    mkdir -p "$upper$repo/Packages"
    for f in "$work"/top0/RPMS/*/*.rpm; do cp "$f" "$upper$repo/Packages/" || return 1; done
    for f in "$work"/top1/RPMS/*/*.rpm; do
        [ -e "$upper$repo/Packages/${f##*/}" ] || cp "$f" "$upper$repo/Packages/" || return 1
    done
    # What the hosts start with: every package of the first build, by NEVRA.
    local initial=() release_rpm=
    for f in "$work"/top0/RPMS/*/*.rpm; do
        case ${f##*/} in
            almalinux-release-*) release_rpm=$repo/Packages/${f##*/} ;;
            *) initial+=("$(env -i PATH="$SAFE_PATH" HOME="$work/home" \
                rpm -qp --qf '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}' "$f")") \
                || return 1 ;;
        esac
    done
    [ -n "$release_rpm" ] || { echo "no almalinux-release package among the specs"; return 1; }

    # 3. The repository: rpm-md metadata, then the errata (updateinfo).
    createrepo_c --quiet "$upper$repo" || return 1
    modifyrepo_c --mdtype=updateinfo "$RPM_SRC/updateinfo.xml" "$upper$repo/repodata" || return 1
    cp "$RPM_SRC/updateinfo.xml" "$upper/srv/pclab-updateinfo.xml" || return 1
    # A test that removes a package from the repository (or adds one) remakes
    # the metadata with this, inside the host. (createrepo_c --update cannot
    # rename its new repodata over the layer's on overlayfs: ENOTEMPTY.)
    mkdir -p "$upper/usr/local/sbin"
    cat >"$upper/usr/local/sbin/lab-repo-refresh" <<'EOF'
#!/bin/sh
# patchcycle lab (rpm hosts): remakes /srv/pclab-repo's metadata from the .rpm
# files there now, with the lab's errata, and dnf's cache (dnf makecache).
set -eu
rm -rf /srv/pclab-repo/repodata
createrepo_c --quiet /srv/pclab-repo
modifyrepo_c --mdtype=updateinfo /srv/pclab-updateinfo.xml /srv/pclab-repo/repodata >/dev/null
dnf -q makecache >/dev/null
EOF
    chmod 755 "$upper/usr/local/sbin/lab-repo-refresh"

    # 4. rpm and dnf as on AlmaLinux 9: the rpmdb in /var/lib/rpm (Debian's rpm
    #    defaults to ~/.rpmdb), AlmaLinux 9's dnf.conf, the local repository.
    mkdir -p "$upper/etc/rpm" "$upper/etc/dnf" "$upper/etc/yum.repos.d"
    cat >"$upper/etc/rpm/macros.dbpath" <<'EOF'
# patchcycle lab: the rpm database where AlmaLinux 9 keeps it
%_dbpath /var/lib/rpm
EOF
    cat >"$upper/etc/dnf/dnf.conf" <<'EOF'
[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
EOF
    # AlmaLinux's yum-utils commands (dnf-utils): Debian ships the wrapper only.
    mkdir -p "$upper/usr/bin"
    local util
    for util in needs-restarting yumdownloader repoquery; do
        ln -sfn ../libexec/dnf-utils-3 "$upper/usr/bin/$util"
    done
    # The kernel an rpm host "runs" is the stand-in kernel it last booted:
    # uname -r says so, the reboot stand-in boots the newest installed one.
    mkdir -p "$upper/usr/local/bin" "$upper/usr/local/sbin" "$upper/run"
    cat >"$upper/usr/local/bin/uname" <<'EOF'
#!/bin/sh
# patchcycle lab (rpm hosts): the kernel release is that of the stand-in kernel
# package this host last booted (/run/lab-booted-kernel, written by the lab's
# reboot); everything else is the machine's uname.
if [ "$#" -eq 1 ] && { [ "$1" = -r ] || [ "$1" = --kernel-release ]; } && [ -s /run/lab-booted-kernel ]; then
    exec cat /run/lab-booted-kernel
fi
exec /usr/bin/uname "$@"
EOF
    chmod 755 "$upper/usr/local/bin/uname"
    cat >"$upper/usr/local/sbin/reboot" <<'EOF'
#!/bin/sh
# patchcycle lab stand-in for reboot/shutdown/poweroff/halt on an rpm host.
# A host cannot reboot the machine. "reboot" boots the newest installed
# stand-in kernel (uname -r prints it from then on), mounts the host's /proc
# afresh (the boot time dnf needs-restarting reads is the mtime of /proc/1,
# which a new proc mount sets to now), returns a second later, and 0.2 s after
# that kills every process but the host's sshd (its PID 1): every SSH session
# and ControlMaster connection drops, new connections work at once; then it
# starts what the host starts at boot (lab-boot). Boot id and uptime do NOT
# change.
# "poweroff"/"halt" (or shutdown without -r) stop the host (its sshd exits).
me=${0##*/}
case "$me" in
    shutdown) case " $* " in *" -r "*|*" --reboot "*) me=reboot ;; *) me=poweroff ;; esac ;;
esac
if [ "$me" = reboot ]; then
    # the newest installed kernel, by rpm's version order
    k=
    for v in $(rpm -q --qf '%{VERSION}-%{RELEASE}.%{ARCH}\n' kernel 2>/dev/null); do
        if [ -z "$k" ] || [ "$(rpm --eval "%{lua: print(rpm.vercmp(\"$k\", \"$v\"))}")" = -1 ]; then k=$v; fi
    done
    if [ -n "$k" ]; then echo "$k" >/run/lab-booted-kernel; fi
    echo "lab: simulated reboot of $(hostname) into kernel ${k:-?}: dropping all sessions" >&2
    # The new boot: a fresh /proc whose /proc/1 is looked up now; then a second,
    # as that boot time has a resolution of a second.
    umount -l /proc && mount -t proc -o nosuid,nodev,noexec proc /proc && [ -d /proc/1/ ]
    sleep 1
    setsid /bin/sh -c 'sleep 0.2; kill -s KILL -- -1; /usr/local/sbin/lab-boot' </dev/null >/dev/null 2>&1 &
else
    echo "lab: simulated power-off of $(hostname)" >&2
    setsid /bin/sh -c 'sleep 0.2; kill -s TERM 1; kill -s KILL -- -1' </dev/null >/dev/null 2>&1 &
fi
exit 0
EOF
    chmod 755 "$upper/usr/local/sbin/reboot"
    # The host's "services", started by its PID 1 before sshd and by the
    # reboot stand-in; there is no systemd.
    cat >"$upper/usr/local/sbin/lab-boot" <<'EOF'
#!/bin/sh
# patchcycle lab (rpm hosts): started at the host's boot (and its reboot):
# pclabd, the daemon of pclab-daemon, in the background, detached.
if [ -x /usr/sbin/pclabd ]; then
    setsid /usr/sbin/pclabd </dev/null >/dev/null 2>&1 &
fi
exit 0
EOF
    chmod 755 "$upper/usr/local/sbin/lab-boot"
    # Debian's dnf-plugins-core enables plugins that AlmaLinux ships in packages
    # of their own, not installed by default (local would add a repository).
    local plugin
    for plugin in local post-transaction-actions versionlock; do
        if [ -f "$upper/etc/dnf/plugins/$plugin.conf" ]; then
            printf '[main]\n# patchcycle lab: not installed on AlmaLinux 9 by default\nenabled = 0\n' \
                >"$upper/etc/dnf/plugins/$plugin.conf"
        fi
    done
    cat >"$upper/etc/yum.repos.d/pclab.repo" <<EOF
# patchcycle lab: the host's only repository, local (the hosts are offline).
# gpgcheck is off: the lab's packages are built unsigned at lab build time.
[pclab-baseos]
name=patchcycle lab - AlmaLinux 9 stand-in (installed versions, updates, errata)
baseurl=file://$repo
enabled=1
gpgcheck=0
repo_gpgcheck=0
EOF

    # 5. The rpmdb, written by rpm (the release package, so that dnf finds
    #    \$releasever) and dnf (the rest, at their initial versions).
    echo "rpm layer: installing ${initial[*]}"
    in_root "$root" rpm --initdb || return 1
    in_root "$root" rpm -i "$release_rpm" || return 1
    in_root "$root" dnf -y install "${initial[@]}" || return 1
    in_root "$root" dnf makecache || return 1
    # the host boots the kernel it has
    in_root "$root" /bin/sh -c "rpm -q --qf '%{VERSION}-%{RELEASE}.%{ARCH}\n' kernel >/run/lab-booted-kernel" || return 1
    echo "rpm layer: rpm -qa"
    in_root "$root" rpm -qa || return 1
    echo "rpm layer: pending security updates (the oracle)"
    local pending
    pending=$(in_root "$root" /bin/sh -c "$RPM_ORACLE") || return 1
    echo "$pending"
    [ -n "$pending" ] || { echo "no pending security update in the rpm layer"; return 1; }
    rm -rf "$work"
}

# ---------------------------------------------------------------- hosts ---

host_lower() {   # NAME
    if [ "${1:0:1}" = r ]; then
        echo "$LAYERS/rpm:$BASE"
        return
    fi
    case $(( (${1:1} - 1) % 3 )) in
        0) echo "$BASE" ;;
        1) echo "$LAYERS/patched:$BASE" ;;
        2) echo "$LAYERS/oldpkg:$BASE" ;;
    esac
}

host_variant() {   # NAME
    if [ "${1:0:1}" = r ]; then
        echo "almalinux9 (rpm)"
        return
    fi
    case $(( (${1:1} - 1) % 3 )) in
        0) echo "base" ;;
        1) echo "partly-patched" ;;
        2) echo "old-$(cat "$LAB_DIR/extra-package" 2>/dev/null || echo extra)" ;;
    esac
}

host_pid() {   # NAME: prints the pid of its sshd (PID 1 of its namespaces) if it runs
    local pid
    pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [ -d "/proc/$pid" ] || return 1
    # a pid of ours lives in a pid namespace of its own (guards against pid reuse)
    [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" != "$(readlink /proc/self/ns/pid)" ] || return 1
    echo "$pid"
}

port_listening() {   # PORT: is 127.0.0.1:PORT in LISTEN state?
    local hex
    hex=$(printf '0100007F:%04X' "$1")
    grep -q "^ *[0-9]*: $hex 00000000:0000 0A " /proc/net/tcp
}

ensure_client_key() {
    mkdir -p "$KEYS"
    chmod 700 "$KEYS"
    [ -f "$CLIENT_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C patchcycle-lab-client -f "$CLIENT_KEY"
}

ensure_host_key() {   # NAME
    local d=$KEYS/$1
    if [ ! -f "$d/ssh_host_ed25519_key" ]; then
        mkdir -p "$d"
        ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$d/ssh_host_ed25519_key"
    fi
}

# PID 1 of a host, before it becomes sshd: runs with the machine's /bin/sh.
# shellcheck disable=SC2016
HOST_INIT='# patchcycle lab: PID 1 of a host until it execs sshd (written by lab.sh)
set -eu
name=$1 port=$2 lower=$3 upper=$4 work=$5 root=$6 keydir=$7 pidfile=$8 bootwait=${9:-0}
read -r pid _ </proc/self/stat
echo "$pid" >"$pidfile.tmp"
mv -f "$pidfile.tmp" "$pidfile"
mount -t overlay "lab-$name" -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
# The boot time dnf needs-restarting reads is the mtime of /proc/1, set when
# that inode is first looked up: look it up now, at the host'"'"'s start. It has
# a resolution of a second: rpm hosts wait a second, so that nothing installed
# after their start counts as installed before it.
[ -d "$root/proc/1/" ]
[ "$bootwait" = 0 ] || sleep "$bootwait"
mount -t tmpfs -o mode=755,size=64k,nosuid lab-dev "$root/dev"
for d in null zero full random urandom tty; do
    : >"$root/dev/$d"
    mount --bind "/dev/$d" "$root/dev/$d"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount --bind "$keydir" "$root/etc/ssh/lab-hostkey"
mount -o remount,bind,ro "$root/etc/ssh/lab-hostkey"
hostname "$name"
cd "$root"
pivot_root . .lab-oldroot
cd /
umount -l /.lab-oldroot
# what the host starts at boot besides sshd (rpm hosts: pclabd)
if [ -x /usr/local/sbin/lab-boot ]; then /usr/local/sbin/lab-boot; fi
exec /usr/sbin/sshd -D -e -p "$port"
'

write_host_init() {
    local f=$LAB_DIR/host-init.sh
    if [ ! -f "$f" ] || [ "$(cat "$f")" != "$HOST_INIT" ]; then
        printf '%s\n' "$HOST_INIT" >"$f.tmp"
        mv -f "$f.tmp" "$f"
    fi
}

launch_host() {   # NAME: start it in the background (no wait)
    local name=$1 port
    port=$(host_port "$1")
    local hd=$HOSTS/$name boot_wait=0
    [ "${name:0:1}" = r ] && boot_wait=1
    host_pid "$name" >/dev/null && return 0
    port_listening "$port" && die "127.0.0.1:$port is already taken by another process"
    ensure_host_key "$name"
    mkdir -p "$hd/upper" "$hd/work" "$hd/root" "$RUN" "$LOGS"
    rm -f "$RUN/$name.pid"
    : >"$LOGS/$name.log"
    (
        close_fds
        exec setsid -f env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            unshare --mount --pid --uts --ipc --fork --kill-child --propagation private -- \
            /bin/sh "$LAB_DIR/host-init.sh" "$name" "$port" "$(host_lower "$name")" \
            "$hd/upper" "$hd/work" "$hd/root" "$KEYS/$name" "$RUN/$name.pid" "$boot_wait" \
            </dev/null >>"$LOGS/$name.log" 2>&1
    )
}

wait_host() {   # NAME: wait until its sshd listens
    local name=$1 port deadline=$((SECONDS + START_TIMEOUT)) pid
    port=$(host_port "$name")
    while :; do
        if pid=$(cat "$RUN/$name.pid" 2>/dev/null) && [ -n "$pid" ]; then
            if [ ! -d "/proc/$pid" ]; then
                tail -5 "$LOGS/$name.log" >&2
                die "$name exited while starting (log: $LOGS/$name.log)"
            fi
            port_listening "$port" && return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -5 "$LOGS/$name.log" >&2
            die "$name did not listen on 127.0.0.1:$port within ${START_TIMEOUT}s"
        fi
        sleep 0.01
    done
}

mux_exit() {   # NAME: stop a ControlMaster of ours for it, if any
    local s
    for s in "$MUX"/*@"$1"; do
        [ -S "$s" ] || continue
        ssh -F "$SSH_CONFIG" -o ControlPath="$s" -O exit "$1" >/dev/null 2>&1 || rm -f "$s"
    done
}

stop_hosts() {   # NAME...: stop the given hosts (TERM, bounded wait, then KILL)
    local n pid pids=() nums=()
    for n in "$@"; do
        mux_exit "$n"
        if pid=$(host_pid "$n"); then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            nums+=("$n")
        fi
        rm -f "$RUN/$n.pid"
    done
    local deadline=$((SECONDS + 5)) alive
    while :; do
        alive=()
        for pid in "${pids[@]+"${pids[@]}"}"; do
            [ -d "/proc/$pid" ] && alive+=("$pid")
        done
        [ "${#alive[@]}" -eq 0 ] && break
        if [ "$SECONDS" -ge "$deadline" ]; then
            kill -KILL "${alive[@]}" 2>/dev/null || true
            sleep 0.1
            break
        fi
        sleep 0.005
    done
    # the port is free once the namespace is gone
    for n in "${nums[@]+"${nums[@]}"}"; do
        deadline=$((SECONDS + 5))
        while port_listening "$(host_port "$n")" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.005; done
    done
}

known_host_names() {   # the hosts that exist (have a host dir): h1.., then r1.., by number
    local d k
    for k in h r; do
        for d in "$HOSTS"/"$k"*; do
            [ -d "$d" ] || continue
            d=${d##*/}
            [[ $d =~ ^[hr][1-9][0-9]?$ ]] && echo "${d:1}"
        done | sort -n | sed "s/^/$k/"
    done
}

stop_all() {
    local names=() n f
    for f in "$RUN"/*.pid; do
        [ -e "$f" ] || continue
        n=${f##*/}
        n=${n%.pid}
        [[ $n =~ ^[hr][1-9][0-9]?$ ]] && names+=("$n")
    done
    [ "${#names[@]}" -eq 0 ] || stop_hosts "${names[@]}"
}

write_client_files() {
    local n k tmp=$SSH_CONFIG.tmp kh=$KNOWN_HOSTS.tmp
    mkdir -p "$MUX"
    chmod 700 "$MUX"
    {
        echo "# patchcycle fleet lab: generated by tests/lab/lab.sh; do not edit"
        echo "# Every name resolves to 127.0.0.1 (hN to port $PORT_BASE+N, rN to port"
        echo "# $((PORT_BASE + RPM_PORT_OFFSET))+N), so nothing leaves loopback."
        for k in h r; do
            for n in $(seq 1 "$MAX_HOSTS"); do
                printf 'Host %s\n    HostName 127.0.0.1\n    Port %s\n    HostKeyAlias %s\n' \
                    "$k$n" "$(host_port "$k$n")" "$k$n"
            done
        done
        cat <<EOF
Host *
    HostName 127.0.0.1
    User root
    IdentityFile $CLIENT_KEY
    IdentitiesOnly yes
    UserKnownHostsFile $KNOWN_HOSTS
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
    CheckHostIP no
    BatchMode yes
    PasswordAuthentication no
    ConnectTimeout 10
    LogLevel ERROR
    ControlMaster auto
    ControlPath $MUX/%r@%n
    ControlPersist 60
EOF
    } >"$tmp"
    : >"$kh"
    for n in $(known_host_names); do
        local key
        key=$(cut -d' ' -f1,2 "$KEYS/$n/ssh_host_ed25519_key.pub")
        echo "$n $key" >>"$kh"
        echo "[127.0.0.1]:$(host_port "$n") $key" >>"$kh"
    done
    mv -f "$tmp" "$SSH_CONFIG"
    mv -f "$kh" "$KNOWN_HOSTS"
}

# ------------------------------------------------------------- commands ---

cmd_up() {
    local n=${1:-} variant=debian prefix=h
    [[ $n =~ ^[1-9][0-9]?$ ]] || { usage >&2; exit 2; }
    shift
    case "$*" in
        "" | "--variant debian") ;;
        "--variant rpm") variant=rpm prefix=r ;;
        *) usage >&2; exit 2 ;;
    esac
    preflight
    lock
    ensure_client_key
    build_base
    [ "$variant" = debian ] || build_rpm_layer
    local i
    write_host_init
    for i in $(seq 1 "$n"); do launch_host "$prefix$i"; done
    for i in $(seq 1 "$n"); do wait_host "$prefix$i"; done
    write_client_files
    echo "LAB_SSH_CONFIG=$SSH_CONFIG"
}

cmd_down() {
    [ -d "$LAB_DIR" ] || return 0
    preflight
    lock
    stop_all
    rm -rf "$HOSTS" "$RUN"
    rm -f "$MUX"/* 2>/dev/null || true
    [ ! -f "$CLIENT_KEY" ] || write_client_files
    if grep -q " $LAB_DIR/" /proc/self/mounts; then die "mounts left under $LAB_DIR"; fi
}

cmd_reset() {
    local h=${1:-}
    [ -n "$h" ] || { usage >&2; exit 2; }
    host_check "$h"
    preflight
    lock
    [ -f "$LAB_DIR/base.ok" ] || die "no base: run lab.sh up first"
    if [ "${h:0:1}" = r ]; then
        rpm_layer_ready || die "no rpm layer: run lab.sh up N --variant rpm first"
    fi
    stop_hosts "$h"
    rm -rf "${HOSTS:?}/$h"
    write_host_init
    launch_host "$h"
    wait_host "$h"
    write_client_files
}

cmd_status() {
    local n pid
    if [ -f "$LAB_DIR/base.ok" ]; then
        echo "base: ready ($BASE, extra package $(cat "$LAB_DIR/extra-package" 2>/dev/null))"
    else
        echo "base: not built"
    fi
    if rpm_layer_ready; then
        echo "rpm layer: ready ($LAYERS/rpm)"
    else
        echo "rpm layer: not built (lab.sh up N --variant rpm builds it)"
    fi
    for n in $(known_host_names); do
        if pid=$(host_pid "$n"); then
            printf '%-4s 127.0.0.1:%s  running  pid %-7s %s\n' "$n" "$(host_port "$n")" "$pid" "$(host_variant "$n")"
        else
            printf '%-4s 127.0.0.1:%s  stopped  %-11s %s\n' "$n" "$(host_port "$n")" "" "$(host_variant "$n")"
        fi
    done
}

cmd_ssh_config() {
    preflight
    lock
    ensure_client_key
    write_client_files
    cat "$SSH_CONFIG"
}

cmd_expected() {
    local h=${1:-}
    [ -n "$h" ] || { usage >&2; exit 2; }
    local pid oracle=$ORACLE
    host_check "$h"
    [ "$(id -u)" = 0 ] || unavailable "must run as root"
    if [ "${h:0:1}" = r ]; then
        oracle=$RPM_ORACLE
        pid=$(host_pid "$h") || die "$h is not running (lab.sh up N --variant rpm)"
    else
        pid=$(host_pid "$h") || die "$h is not running (lab.sh up N)"
    fi
    nsenter --target "$pid" --mount -r -w -- /usr/bin/env -i PATH=$SAFE_PATH HOME=/root /bin/sh -c "$oracle"
}

cmd_clean() {
    [ -d "$LAB_DIR" ] || return 0
    cmd_down
    if grep -q " $LAB_DIR" /proc/self/mounts; then die "refusing to remove $LAB_DIR: something is mounted below it"; fi
    rm -rf "$LAB_DIR"
}

main() {
    local cmd=${1:-}
    [ $# -gt 0 ] && shift
    case $cmd in
        up) cmd_up "$@" ;;
        down) cmd_down ;;
        status) cmd_status ;;
        reset) cmd_reset "$@" ;;
        clean) cmd_clean ;;
        ssh-config) cmd_ssh_config ;;
        expected) cmd_expected "$@" ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

# On one line: bash reads a script as it runs it, and must not read on after
# main (lab.sh may be edited in place while a long build runs).
main "$@"; exit
