# Shared by the simulated Ascend installers; sourced from the directory makeself extracted.
#
# ASCEND_SIM_ROOT=<dir> prefixes every absolute path an installer reads or writes (/etc, /usr/local,
# /run, /var/log, /dev, the systemd unit directory), so tests install into a fake root; paths
# recorded inside files stay the host's view. ASCEND_SIM_UNAME_M stands in for `uname -m`.
ROOT=${ASCEND_SIM_ROOT:-}
ROOT=${ROOT%/}
umask 022  # the real installers chmod what they create so that HwHiAiUser and containers can read it
. ./package.info
RUN_NAME=$(basename "${MS_BUNDLE:-$PKG_FILE}")
INSTALL_LOG=/var/log/ascend_seclog/ascend_install.log
DATE_FMT="%Y-%m-%d %H:%M:%S"

r() { printf '%s%s' "$ROOT" "$1"; }
now() { date +"$DATE_FMT"; }
host_arch() { echo "${ASCEND_SIM_UNAME_M:-$(uname -m)}"; }

# One line to the terminal and to the install log, in the real "[Tag] [time] [LEVEL]message" shape.
say() {
  local line
  line="[$LOG_TAG] [$(now)] $1"
  echo -e "$line"
  mkdir -p "$(r "$(dirname "$INSTALL_LOG")")"
  echo -e "$line" | sed 's/\x1b\[[0-9;]*m//g' >> "$(r "$INSTALL_LOG")"
}

# The real installers grep /etc/passwd and /etc/group, not NSS: a directory user is not found either.
user_exists() { cut -d: -f1 "$(r /etc/passwd)" 2>/dev/null | grep -qx "$1"; }
group_exists() { cut -d: -f1 "$(r /etc/group)" 2>/dev/null | grep -qx "$1"; }
user_in_group() {  # USER GROUP: primary group or listed member
  local gid
  gid=$(awk -F: -v g="$2" '$1 == g {print $3}' "$(r /etc/group)")
  [ -n "$gid" ] && [ "$gid" = "$(awk -F: -v u="$1" '$1 == u {print $4}' "$(r /etc/passwd)")" ] && return 0
  awk -F: -v g="$2" -v u="$1" '$1 == g {n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) f = 1}
    END {exit !f}' "$(r /etc/group)"
}

# KEY=VALUE files such as /etc/ascend_install.info, rewritten the way the real updateInstallParam does.
info_get() { [ -f "$(r "$2")" ] && sed -n "s/^$1=//p" "$(r "$2")" | tail -1; return 0; }
info_set() {
  mkdir -p "$(r "$(dirname "$3")")"
  touch "$(r "$3")"
  sed -i "/^$1=/d" "$(r "$3")"
  echo "$1=$2" >> "$(r "$3")"
}
info_del() { [ -f "$(r "$2")" ] && sed -i "/^$1=/d" "$(r "$2")"; return 0; }
version_of() { [ -f "$(r "$1")" ] && sed -n 's/^Version=//p' "$(r "$1")" | head -1; return 0; }

is_root() { [ -n "$ROOT" ] || [ "$(id -u)" -eq 0 ]; }

# The real installers loop on `read yn` until they get y or n; with stdin closed that loop never
# ends. Here it ends with an error instead, so a caller that forgot --quiet fails instead of hanging.
ask_yes_no() {
  local yn
  while true; do
    if ! read -r yn; then
      say "[ERROR]ERR_NO:0x0002;ERR_DES:input error, please input again!"
      echo "($RUN_NAME, simulated: stdin is closed; the real installer asks again forever here. Use --quiet.)" >&2
      return 2
    fi
    case $yn in
      y) return 0 ;;
      n) return 1 ;;
      *) say "[ERROR]ERR_NO:0x0002;ERR_DES:input error, please input again!" ;;
    esac
  done
}

# The chip family of the simulated machine (910b, a3, 910 or unknown), from its topology.
host_chip_family() {
  python3 - "${NPUOPS_SIM_TOPOLOGY:-$(r /etc/npuops-sim/npu.json)}" <<'PY' 2>/dev/null || echo unknown
import json, sys
chip = json.load(open(sys.argv[1])).get("chip", "")
print("a3" if chip == "Ascend910" else "910" if chip in ("910A", "910B") else "910b" if chip.startswith("910B") else "unknown")
PY
}
