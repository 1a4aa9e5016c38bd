s restart
# Processes that still run code replaced on disk (family::restart reads this section).
# As needrestart does: an executable mapping (perms ..x.) of /proc/PID/maps whose path
# ends in " (deleted)", or a deleted /proc/PID/exe; special mappings (memfd, /dev,
# SysV shm, DRM, aio) and scratch paths (/tmp, /var/tmp, /run, /dev/shm) are skipped.
# Bounded: at most 4096 candidate pids, 30 s, 16 paths per process, 64 owner lookups.
# Lines:
#   state live|offline|no-proc     (an offline root has no processes)
#   proc PID EXE_DELETED UNIT SYSV COMM   (tab-separated; UNIT/SYSV may be empty)
#   file PID PATH
#   owner PATH PACKAGE
#   limit pids|time|owners
RS_PROC=
if [ -n "$R" ]; then
  echo 'state	offline'
elif [ ! -r /proc/self/maps ]; then
  echo 'state	no-proc'
else
  echo 'state	live'
  RS_SYSD=0
  [ -d /run/systemd/system ] && RS_SYSD=1
  # Candidates first, in one process for the whole table: each maps file with a deleted
  # mapping, by its first such line (sorted out by sed only when grep found one). A
  # deleted executable is one of them: the program a process runs is mapped, and its
  # mapping ends in " (deleted)" as /proc/PID/exe does. The same grep reads the lines
  # the collector's fingerprint needs, btime of /proc/stat and PID 1's stat line (no
  # maps line starts with either). Only candidates are read one by one, and what only
  # they need is read once there is one: most hosts have none, and nothing else runs.
  RS_PROC=$(grep -H -m 1 -e '^btime ' -e '^1 (' -e ' (deleted)$' \
    /proc/stat /proc/1/stat /proc/[0-9]*/maps 2>/dev/null)
  case "$RS_PROC" in
    *'/maps:'*)
      RS_CAND=$(printf '%s\n' "$RS_PROC" | sed -n 's|^/proc/\([0-9]*\)/maps:.*|\1|p' | sort -un) ;;
    *) RS_CAND= ;;
  esac
  RS_FILES=
  if [ -n "$RS_CAND" ]; then
    # SysV services: a /run/NAME.pid (or /var/run) holding a pid, with /etc/init.d/NAME.
    RS_PIDS=$(for f in /run/*.pid /var/run/*.pid; do
      [ -f "$f" ] || continue
      n=${f##*/}; n=${n%.pid}
      [ -x "/etc/init.d/$n" ] || continue
      p=$(head -n 1 "$f" 2>/dev/null | tr -cd '0-9')
      [ -n "$p" ] && echo "$p $n"
    done 2>/dev/null | head -n 256)
    RS_NS=$(readlink /proc/self/ns/pid 2>/dev/null)
    RS_N=0
    RS_T0=$(date +%s)
  fi
  for pid in $RS_CAND; do
    RS_N=$((RS_N + 1))
    if [ "$RS_N" -gt 4096 ]; then echo 'limit	pids'; break; fi
    if [ $((RS_N % 128)) -eq 0 ] && [ $(( $(date +%s) - RS_T0 )) -gt 30 ]; then
      echo 'limit	time'; break
    fi
    d=/proc/$pid
    # A process of another pid namespace (a container) maps paths of its own root,
    # which this host's package manager cannot name: the container is scanned itself.
    [ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$RS_NS" ] || continue
    del=$(sed -n 's/^[^ ]* ..x. [^ ]* [^ ]* [0-9]* *\(\/.*\) (deleted)$/\1/p' "$d/maps" 2>/dev/null | sort -u)
    exe=$(readlink "$d/exe" 2>/dev/null)
    xd=0
    case "$exe" in *' (deleted)') xd=1; exe=${exe% (deleted)} ;; esac
    case "$exe" in /memfd:*|/dev/*|/tmp/*|/var/tmp/*|/run/*|/var/run/*) xd=0 ;; esac
    [ -n "$del" ] || [ "$xd" = 1 ] || continue
    [ "$xd" = 1 ] && del=$(printf '%s\n%s\n' "$exe" "$del")
    kept=$(printf '%s\n' "$del" | while IFS= read -r p; do
      case "$p" in
        ''|/memfd:*|/dev/*|/SYSV*|/drm|/\[aio\]*|/tmp/*|/var/tmp/*|/run/*|/var/run/*) ;;
        *) printf '%s\n' "$p" ;;
      esac
    done | sort -u | head -n 16)
    [ -n "$kept" ] || continue
    # The system unit of its cgroup (v2 "0::PATH", v1 "N:name=systemd:PATH"); a user's
    # own units (under user@UID.service) and session scopes are not the system's to
    # restart.
    unit=
    if [ "$RS_SYSD" = 1 ]; then
      cg=$(sed -n -e 's/^0:://p' -e 's/^[0-9]*:name=systemd://p' "$d/cgroup" 2>/dev/null | head -n 1)
      case "$cg" in
        */user@*) ;;
        */init.scope) unit=init.scope ;;
        */*.service) unit=${cg##*/} ;;
      esac
    fi
    sysv=$(printf '%s\n' "$RS_PIDS" | sed -n "s/^$pid //p" | head -n 1)
    comm=$(head -n 1 "$d/comm" 2>/dev/null | tr -d '\t')
    printf 'proc\t%s\t%s\t%s\t%s\t%s\n' "$pid" "$xd" "$unit" "$sysv" "$comm"
    printf '%s\n' "$kept" | sed "s/^/file	$pid	/"
    RS_FILES=$(printf '%s\n%s' "$RS_FILES" "$kept")
  done
  # The package owning each path, where the package manager knows it (bookworm ships
  # some libraries under /lib, which maps shows through the /usr merge as /usr/lib).
  RS_O=0
  [ -z "$RS_FILES" ] || printf '%s\n' "$RS_FILES" | sed '/^$/d' | sort -u | while IFS= read -r p; do
    RS_O=$((RS_O + 1))
    if [ "$RS_O" -gt 64 ]; then echo 'limit	owners'; break; fi
    o=
    case "$FAM" in
      dpkg)
        for q in "$p" "${p#/usr}"; do
          o=$(dpkg-query -S "$q" 2>/dev/null | sed -n 's/^\([^:, ]*\)\(:[^:, ]*\)\{0,1\}: .*/\1/p' | head -n 1)
          [ -n "$o" ] && break
        done ;;
      rpm) o=$(rpm -qf --qf '%{NAME}\n' "$p" 2>/dev/null | head -n 1)
           case "$o" in *' '*) o= ;; esac ;;
    esac
    [ -n "$o" ] && printf 'owner\t%s\t%s\n' "$p" "$o"
  done
fi
