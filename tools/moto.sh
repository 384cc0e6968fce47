#!/usr/bin/env bash
# Runs moto_server (the local AWS emulator) on 127.0.0.1 for Terraform apply tests.
#
# usage: tools/moto.sh start [PORT] [--owner-pid PID]   start (a free port if none); prints the endpoint URL
#        tools/moto.sh stop [PORT|all]                 stop one instance (default: the last started) or all
#        tools/moto.sh reset [PORT]                    drop all emulated resources (POST /moto-api/reset)
#        tools/moto.sh status [PORT]                   print the endpoint URL if the instance answers
#   --owner-pid PID  stop the instance once process PID exits (so a killed test leaves nothing behind)
# env: STRATOFORM_MOTO_RUN_DIR (default .tools/run) holds moto-PORT.pid, moto-PORT.log and moto.port
#      (the last started port); MOTO_ACM_VALIDATION_WAIT (default here 0: certificates issue at once)
# exit: 0 ok, 1 failed or not running, 2 usage error
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/lib/common.sh"

TOOLS=$(sf_tools_dir)
RUN=${STRATOFORM_MOTO_RUN_DIR:-$TOOLS/run}
HOST=127.0.0.1

usage() {
  sed -n '4,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  printf 'moto.sh: %s\n' "$1" >&2
  exit 1
}
valid_port() { [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)); }

moto_bin() {
  local bin=$TOOLS/venv/bin/moto_server
  [[ -x $bin ]] || bin=$(command -v moto_server || true)
  [[ -n $bin ]] || fail 'moto_server not found; run `bash scripts/setup.sh`'
  printf '%s\n' "$bin"
}

# The port named on the command line, or the last one started.
port_arg() {
  if [[ -n ${1:-} ]]; then
    valid_port "$1" || usage
    printf '%s\n' "$1"
  elif [[ -f $RUN/moto.port ]]; then
    cat "$RUN/moto.port"
  else
    fail "no instance started (no $RUN/moto.port); give a PORT"
  fi
}

# The dashboard page is static and cheap (data.json grows to megabytes once IAM policies load).
answers() { curl -sf -o /dev/null --max-time 5 "http://$HOST:$1/moto-api/"; }

# The pid in moto-PORT.pid, if that process is still the emulator (moto_server or its launcher).
live_pid() {
  local pid
  [[ -f $RUN/moto-$1.pid ]] || return 1
  pid=$(<"$RUN/moto-$1.pid")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'moto_server|emulator_launch[.]py' || return 1
  printf '%s\n' "$pid"
}

free_port() {
  "$TOOLS/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd_start() {
  local port="" owner="" fixed=0
  while (($#)); do
    case $1 in
      --owner-pid) [[ ${2:-} =~ ^[0-9]+$ ]] || usage; owner=$2; shift 2 ;;
      *) valid_port "$1" || usage; port=$1; fixed=1; shift ;;
    esac
  done
  local bin python
  bin=$(moto_bin)
  # The launcher corrects the emulator's known defects before starting it (see the script); it
  # runs with the Python of the moto_server script (its #! line) so it imports the same moto.
  python=$(head -n1 "$bin" | sed -n 's/^#!//p')
  [[ -n $python && -x $python ]] || python=python3
  mkdir -p "$RUN"

  if ((fixed)); then
    if live_pid "$port" >/dev/null && answers "$port"; then
      printf '%s\n' "$port" >"$RUN/moto.port"
      printf 'http://%s:%s\n' "$HOST" "$port"
      return
    fi
    (: </dev/tcp/$HOST/"$port") 2>/dev/null && fail "port $port is already in use by another process"
  fi

  local attempt pid log t0
  for attempt in 1 2 3 4 5; do
    ((fixed)) || port=$(free_port)
    log=$RUN/moto-$port.log
    t0=$(sf_now_ms)
    # Loopback only. stdin/stdout/stderr are detached so a caller reading our output sees EOF.
    MOTO_IAM_LOAD_MANAGED_POLICIES=true \
      MOTO_ACM_VALIDATION_WAIT=${MOTO_ACM_VALIDATION_WAIT:-0} \
      nohup "$python" "$(sf_root)/crates/stratoform-terraform/src/emulator_launch.py" -H "$HOST" -p "$port" </dev/null >"$log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$RUN/moto-$port.pid"
    while kill -0 "$pid" 2>/dev/null; do
      if answers "$port"; then
        printf '%s\n' "$port" >"$RUN/moto.port"
        if [[ -n $owner ]]; then
          nohup bash -c 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null' \
            moto-owner "$owner" "$pid" </dev/null >/dev/null 2>&1 &
        fi
        printf 'moto.sh: moto_server pid %s ready on port %s in %s ms (log %s)\n' "$pid" "$port" "$(($(sf_now_ms) - t0))" "$log" >&2
        printf 'http://%s:%s\n' "$HOST" "$port"
        return
      fi
      if (($(sf_now_ms) - t0 > 30000)); then
        kill "$pid" 2>/dev/null || true
        fail "moto_server did not answer on port $port within 30 s; see $log"
      fi
      sleep 0.1
    done
    rm -f "$RUN/moto-$port.pid"
    # Lost a race for the port: try another unless the caller fixed it.
    if ((!fixed)) && grep -q 'Address already in use' "$log"; then
      rm -f "$log"
      continue
    fi
    tail -n 20 "$log" >&2 || true
    fail "moto_server exited during start-up (attempt $attempt); see $log"
  done
  fail "no free port found after 5 attempts"
}

stop_port() {
  local port=$1 pid i
  if pid=$(live_pid "$port"); then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    printf 'moto.sh: stopped pid %s on port %s\n' "$pid" "$port" >&2
  else
    printf 'moto.sh: no instance running on port %s\n' "$port" >&2
  fi
  rm -f "$RUN/moto-$port.pid"
  [[ -f $RUN/moto.port && $(<"$RUN/moto.port") == "$port" ]] && rm -f "$RUN/moto.port"
  return 0
}

cmd_stop() {
  if [[ ${1:-} == all ]]; then
    local f
    for f in "$RUN"/moto-*.pid; do
      [[ -e $f ]] || continue
      f=${f##*/moto-}
      stop_port "${f%.pid}"
    done
  else
    stop_port "$(port_arg "${1:-}")"
  fi
}

cmd_reset() {
  local port
  port=$(port_arg "${1:-}")
  curl -sf -o /dev/null --max-time 30 -X POST "http://$HOST:$port/moto-api/reset" ||
    fail "reset failed: nothing answers on port $port"
  printf 'moto.sh: reset port %s\n' "$port" >&2
}

cmd_status() {
  local port pid
  port=$(port_arg "${1:-}")
  pid=$(live_pid "$port") || fail "not running on port $port"
  answers "$port" || fail "pid $pid is running but port $port does not answer"
  printf 'moto.sh: moto_server pid %s on port %s\n' "$pid" "$port" >&2
  printf 'http://%s:%s\n' "$HOST" "$port"
}

(($#)) || usage
command=$1
shift
case $command in
  start) cmd_start "$@" ;;
  stop) (($# <= 1)) || usage; cmd_stop "$@" ;;
  reset) (($# <= 1)) || usage; cmd_reset "$@" ;;
  status) (($# <= 1)) || usage; cmd_status "$@" ;;
  -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) usage ;;
esac
