#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine. Idempotent: where an engine already runs it only checks it.
# The machines this project runs on have a docker client but no engine, and no systemd to start one,
# so dockerd is started directly and left running in the background.
set -euo pipefail

log=${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}/dockerd.log

if docker info >/dev/null 2>&1; then
  echo "engine-up: Docker engine already running"
  exit 0
fi

# The client alone (some images ship one) is not enough: dockerd comes with Debian's docker.io.
command -v dockerd >/dev/null 2>&1 || "$(dirname "$0")/apt-ensure.sh" docker.io
"$(dirname "$0")/apt-ensure.sh" curl iptables

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl start docker || true
fi

if ! docker info >/dev/null 2>&1; then
  mkdir -p "$(dirname "$log")"
  echo "engine-up: starting dockerd (log: $log)"
  # setsid: the engine must outlive the make process that started it.
  setsid nohup dockerd >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "engine-up: Docker engine ready ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "engine-up: dockerd did not answer within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
