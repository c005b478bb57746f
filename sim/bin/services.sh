#!/usr/bin/env bash
# Start, stop or show the simulated site services on this machine:
#   - an image registry (Debian's docker-registry) with htpasswd auth, so registry logins are exercised;
#   - an HTTP artifact server for vendor packages, weights and tokenizer files (sim/hub/server.py: byte ranges,
#     a Hugging Face Hub mirror under /hf, fault injection and a JSON request log; see sim/README.md).
# Their data lives under $NPUOPS_SIM_STATE and survives `stop`, so the next start serves the same content.
set -euo pipefail

state=${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}
reg_port=${SIM_REGISTRY_PORT:-5000}
art_port=${SIM_ARTIFACT_PORT:-8088}
reg_user=${SIM_REGISTRY_USER:-npuops}
reg_dir=$state/registry
art_dir=$state/artifacts
hub_server=$(cd "$(dirname "$0")/.." && pwd)/hub/server.py

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_http() {  # url, expected status codes (regex)
  for _ in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    if [[ $code =~ $2 ]]; then return 0; fi
    sleep 0.2
  done
  echo "services: $1 did not answer" >&2
  return 1
}

start_registry() {
  mkdir -p "$reg_dir/data"
  "$(dirname "$0")/apt-ensure.sh" docker-registry apache2-utils curl
  # One password per machine, kept with the registry data; readable by root only.
  if [ ! -s "$reg_dir/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$reg_dir/password")
  fi
  # The serving API key of the simulated site, generated the same way: a vault would hold it on a real one.
  if [ ! -s "$state/api-key" ]; then
    (umask 077; printf 'sk-sim-%s' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > "$state/api-key")
  fi
  if [ ! -s "$reg_dir/htpasswd" ]; then
    (umask 077; htpasswd -Bbn "$reg_user" "$(cat "$reg_dir/password")" > "$reg_dir/htpasswd")
  fi
  cat > "$reg_dir/config.yml" <<CFG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $reg_dir/data
  delete:
    enabled: true
http:
  addr: 0.0.0.0:$reg_port
  secret: npuops-sim-local
auth:
  htpasswd:
    realm: npuops-sim
    path: $reg_dir/htpasswd
CFG
  if pid_alive "$reg_dir/pid"; then
    echo "services: registry already running on :$reg_port"
    return 0
  fi
  setsid nohup docker-registry serve "$reg_dir/config.yml" >"$reg_dir/log" 2>&1 </dev/null &
  echo $! > "$reg_dir/pid"
  wait_http "http://127.0.0.1:$reg_port/v2/" '^401$'
  echo "services: registry on :$reg_port (user $reg_user, password in $reg_dir/password)"
}

start_artifacts() {
  mkdir -p "$art_dir"
  if pid_alive "$state/artifacts.pid"; then
    echo "services: artifact server already running on :$art_port"
    return 0
  fi
  # The access log (artifacts.log) keeps http.server's line format; the JSON request log adds ranges and byte counts.
  # The Hub mirror requires a bearer token, as a private or gated repository does: one per machine, generated like
  # the API key (SIM_HUB_TOKEN_FILE names another file).
  hub_token=${SIM_HUB_TOKEN_FILE:-$state/hub-token}
  if [ ! -s "$hub_token" ]; then
    (umask 077; printf 'hf_sim%s' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > "$hub_token")
  fi
  setsid nohup python3 "$hub_server" --port "$art_port" --bind 0.0.0.0 --directory "$art_dir" \
    --faults "$state/artifacts-faults.json" --request-log "$state/artifacts-requests.jsonl" \
    --token-file "$hub_token" \
    >"$state/artifacts.log" 2>&1 </dev/null &
  echo $! > "$state/artifacts.pid"
  wait_http "http://127.0.0.1:$art_port/" '^200$'
  echo "services: artifact server on :$art_port serving $art_dir"
}

stop_one() {  # pidfile, name
  if pid_alive "$1"; then
    kill "$(cat "$1")"
    for _ in $(seq 1 25); do pid_alive "$1" || break; sleep 0.2; done
    echo "services: stopped $2"
  fi
  rm -f "$1"
}

case "${1:-}" in
  start) mkdir -p "$state"; start_registry; start_artifacts ;;
  stop) stop_one "$reg_dir/pid" registry; stop_one "$state/artifacts.pid" "artifact server" ;;
  status)
    pid_alive "$reg_dir/pid" && echo "registry: running on :$reg_port" || echo "registry: stopped"
    pid_alive "$state/artifacts.pid" && echo "artifacts: running on :$art_port" || echo "artifacts: stopped" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
