#!/usr/bin/env bash
# Starts the service per scenario, drives it with the load generator, samples the server's RSS
# and CPU, and writes a Markdown table with the exact commands, the machine and the date into
# bench/RESULTS.md, between its "report.sh: begin" and "report.sh: end" markers (appended with
# them when they are missing); with OUT=<file>, into that file instead.
#
#   bench/scripts/report.sh                 all scenarios, 3 runs each (about 15 minutes)
#   RUNS=1 S5_DURATION=30s bench/scripts/report.sh   a quick pass
#
# Scenarios (issue "Performance"): S1 max rate, 4 connections, 100 B, memory, v2 acks;
# S2 fixed 100,000 events/s on 1 connection (latency); S3 S1 with the file log synced before
# ACK; S4 S1 with 10% duplicate event_ids; S5 fixed 100,000 events/s for 5 minutes (RSS, GC).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-13s}"
WARMUP="${WARMUP:-3s}"
# S2 measures latency, so it leaves out more: on 2 cores the JIT compiles for 15-20 s after a
# start at 100,000 events/s, and recompiles the loop of classify's thread when the dedup window takes
# a path new to it (its generations rotate every 5 s there, the first one is cleared for reuse
# after 15 s); each recompilation leaves that thread tens of milliseconds behind. S2 still
# measures 10 s; S5 includes it all.
S2_WARMUP="${S2_WARMUP:-20s}"
# The ring topology the service runs: auto by default, the shipped default (split on 2 cores,
# which keeps realtime handling isolated from slow handlers); TOPOLOGY=single measures the choice
# for the lowest latency and CPU on a small machine, without that isolation.
TOPOLOGY="${TOPOLOGY:-auto}"
S2_DURATION="${S2_DURATION:-30s}"
S5_DURATION="${S5_DURATION:-5m}"
PORT="${PORT:-19000}"
ADMIN_PORT="${ADMIN_PORT:-19464}"
results=bench/RESULTS.md
begin='<!-- report.sh: begin (generated, replaced by each run) -->'
end='<!-- report.sh: end -->'
# What is measured is this checkout, built now (SKIP_BUILD=1 to measure the build already there).
if [[ "${SKIP_BUILD:-}" != 1 || ! -f bench/target/eventstream-bench.jar ]]; then
  mvn -B -q -DskipTests -Dspotless.check.skip -Dcheckstyle.skip install
fi
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit+=" with local changes"
# Under the build tree, not /tmp, which may be a tmpfs where S3's fsync would cost nothing.
work="$(mktemp -d "$root/bench/target/report.XXXXXX")"
trap 'stop_service; rm -rf "$work"' EXIT
# The load generator is the CLI's bench command; its JVM gets a larger heap for the histograms.
loadgen=(env EVENTSTREAM_OPTS=-Xmx512m ./eventstream bench --port "$PORT")
service_pid=""

start_service() { # extra -D options...
  rm -rf "$work/data"
  EVENTSTREAM_OPTS="-Deventstream.ingest.port=$PORT -Deventstream.admin.port=$ADMIN_PORT \
-Deventstream.storage.file.directory=$work/data -Deventstream.ring.topology=$TOPOLOGY $*" \
    ./eventstream >"$work/service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$ADMIN_PORT/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "service did not become ready:" >&2; cat "$work/service.log" >&2; exit 1
}

stop_service() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid"; wait "$service_pid" || true
  fi
  service_pid=""
}

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# The whole machine's steal and total CPU ticks: time the hypervisor gave the vCPUs to others.
machine_ticks() { awk '/^cpu / {print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

gc_count() { # young and full collections so far, from the service's own metrics
  curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" |
    awk '/^jvm_gc_collection_seconds_count/ {n += $NF} END {printf "%d", n}'
}

# Runs the load generator while sampling the server every second (RSS) and every 30 s (GC).
# Prints the generator's summary lines, then "rss_max=<MB> rss_first=<MB> rss_last=<MB>
# cpu=<cores> steal=<% of the machine's CPU time> exit=<the generator's exit status>".
measure() {
  local pid="$service_pid" t0 t1 m0 m1 start end rss first="" last="" max=0 seconds=0 rc=0
  t0=$(cpu_ticks "$pid"); m0=$(machine_ticks); start=$(date +%s.%N)
  "${loadgen[@]}" "$@" >"$work/load.out" 2>&1 &
  local lg=$!
  while kill -0 "$lg" 2>/dev/null; do
    rss=$(rss_mb "$pid"); [[ -z "$first" ]] && first=$rss; last=$rss
    (( rss > max )) && max=$rss
    echo "$(date +%s) $rss" >>"$work/rss.log"
    (( seconds % 30 == 0 )) && echo "$(date +%s) $(gc_count)" >>"$work/gc.log"
    seconds=$((seconds + 1))
    sleep 1
  done
  wait "$lg" || rc=$?
  t1=$(cpu_ticks "$pid"); m1=$(machine_ticks); end=$(date +%s.%N)
  grep -E "^  (sent|repeated|not sent|latency|from the socket write)" "$work/load.out" || true
  echo "rss_max=$max rss_first=$first rss_last=$last cpu=$(awk -v a="$t0" -v b="$t1" -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", (b-a)/100/(e-s)}') steal=$(awk -v a="$m0" -v b="$m1" 'BEGIN {split(a, x, " "); split(b, y, " "); printf "%.1f", (y[2] > x[2] ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0)}') exit=$rc"
}

field() { # key from "key value" style summary
  case "$1" in
    rate) grep -oE '=> [0-9,]+ events/s' | grep -oE '[0-9,]+' | tr -d , ;;
    p50|p99|p99.9) grep -v 'socket write' | grep -oE "$1 [0-9,]+ us" | head -1 | grep -oE '[0-9,]+ us' | tr -d ', us' ;;
    write-p50|write-p99|write-p99.9) grep 'socket write' | grep -oE "${1#write-} [0-9,]+ us" | head -1 | grep -oE '[0-9,]+ us' | tr -d ', us' ;;
    acked) grep -oE 'acked [0-9,]+' | head -1 | grep -oE '[0-9,]+' | tr -d , ;;
    sent) grep -oE '^  sent [0-9,]+' | head -1 | grep -oE '[0-9,]+' | tr -d , ;;
    rejected) grep -oE 'rejected [0-9,]+' | head -1 | grep -oE '[0-9,]+' | tr -d , ;;
    failed) grep -oE 'failed connections [0-9]+' | head -1 | grep -oE '[0-9]+$' ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

rows=()
from_write=()
scenario() { # name, -D options, loadgen args...
  local name="$1" opts="$2"; shift 2
  local rates=() p50s=() p99s=() p999s=() w50s=() w99s=() w999s=() cpus=() steals=() rss=0 complete=yes
  for run in $(seq 1 "$RUNS"); do
    start_service $opts
    local result; result=$(measure "$@")
    stop_service
    echo "$name run $run: $(echo "$result" | tr '\n' ' ')" >&2
    rates+=("$(echo "$result" | field rate)")
    p50s+=("$(echo "$result" | field p50)"); p99s+=("$(echo "$result" | field p99)")
    p999s+=("$(echo "$result" | field p99.9)")
    if echo "$result" | grep -q 'socket write'; then
      w50s+=("$(echo "$result" | field write-p50)"); w99s+=("$(echo "$result" | field write-p99)")
      w999s+=("$(echo "$result" | field write-p99.9)")
    fi
    cpus+=("$(echo "$result" | grep -oE 'cpu=[0-9.]+' | cut -d= -f2)")
    steals+=("$(echo "$result" | grep -oE 'steal=[0-9.]+' | cut -d= -f2)")
    local r; r=$(echo "$result" | grep -oE 'rss_max=[0-9]+' | cut -d= -f2); (( r > rss )) && rss=$r
    # Complete: every frame sent and acknowledged, none rejected, none left unsent, no connection
    # failed, and the generator itself said so (exit 0).
    local sent; sent=$(echo "$result" | field sent)
    [[ -n "$sent" && "$sent" == "$(echo "$result" | field acked)" \
      && "$(echo "$result" | field rejected)" == 0 && "$(echo "$result" | field failed)" == 0 ]] \
      && ! grep -q 'not sent' <<<"$result" && grep -q 'exit=0' <<<"$result" || complete=no
  done
  if ((${#w50s[@]} > 0)); then
    from_write+=("- $name from the socket write (medians): p50 $(printf '%s\n' "${w50s[@]}" | median) us, p99 $(printf '%s\n' "${w99s[@]}" | median) us, p99.9 $(printf '%s\n' "${w999s[@]}" | median) us")
  fi
  rows+=("| $name | \`${*}\` | $(printf '%s\n' "${rates[@]}" | median) | $(printf '%s\n' "${p50s[@]}" | median) | $(printf '%s\n' "${p99s[@]}" | median) | $(printf '%s\n' "${p999s[@]}" | median) | $(printf '%s\n' "${cpus[@]}" | sort -n | tail -1) | $rss | $(IFS=/; echo "${steals[*]}") | $complete | $(IFS=/; echo "${rates[*]}") |")
}

# The generator's topics (load/topic-0..15) listed at BATCH, so that the frames' priorities stand
# (an unlisted topic is capped at MEDIUM): 40% of events go to realtime, 40% to transactional and
# 20% to batch, and every scenario runs all three processors.
listed=""
for t in $(seq 0 15); do listed+=" -Deventstream.topics.priorities.load/topic-$t=BATCH"; done
memory="-Deventstream.storage.backends.0=memory$listed"
file_always="-Deventstream.storage.backends.0=file -Deventstream.storage.file.sync=always$listed"
w=(--warmup "$WARMUP")
scenario S1 "$memory" -c 4 -d "$DURATION" "${w[@]}" --payload 100
scenario S2 "$memory" -c 1 -r 100000 -d "$S2_DURATION" --warmup "$S2_WARMUP" --payload 100
scenario S3 "$file_always" -c 4 -d "$DURATION" "${w[@]}" --payload 100
scenario S4 "$memory" -c 4 -d "$DURATION" "${w[@]}" --payload 100 --duplicates 0.1

# S5: one long run at a fixed rate; RSS over time and GC from the service's own metrics.
: >"$work/rss.log"
: >"$work/gc.log"
start_service "$memory"
s5=$(measure -c 1 -r 100000 -d "$S5_DURATION" "${w[@]}" --payload 100)
gc=$(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | grep -E '^jvm_gc_collection_seconds_(count|sum)' | sed 's/jvm_gc_collection_seconds_//' | tr '\n' ';')
# Idle CPU: the same service, no traffic, for 20 s.
t0=$(cpu_ticks "$service_pid"); sleep 20; t1=$(cpu_ticks "$service_pid")
idle=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f%%", (b-a)/20}')
stop_service
rss_series=$(awk 'NR % 30 == 1 {printf "%s ", $2}' "$work/rss.log")
rss_range=$(awk 'NR == 1 || $2 < min {min = $2} $2 > max {max = $2} END {printf "%s-%s", min, max}' "$work/rss.log")
gc_series=$(awk '{printf "%s ", $2}' "$work/gc.log")

{
  echo "## Load scenarios (generated)"
  echo
  echo "Produced by \`bench/scripts/report.sh\` (RUNS=$RUNS, DURATION=$DURATION, S5_DURATION=$S5_DURATION, TOPOLOGY=$TOPOLOGY) on $(date -u +%Y-%m-%d)."
  echo "Build: $commit. Machine: $(nproc) cores ($(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(java -version 2>&1 | head -1)."
  echo "Service: \`EVENTSTREAM_OPTS=\"-Deventstream.ingest.port=$PORT -Deventstream.admin.port=$ADMIN_PORT -Deventstream.storage.file.directory=<work>/data -Deventstream.ring.topology=$TOPOLOGY <scenario options>\" ./eventstream\`,"
  echo "a fresh one per run; scenario options: S1, S2, S4, S5 \`${memory%%$listed}\`, S3 \`${file_always%%$listed}\` (the data directory on $(stat -f -c %T "$work")), each with the topic list below."
  echo "Load generator: \`${loadgen[*]} <arguments below>\`."
  echo "The load generator runs on the same machine and shares its cores with the service. Steal is"
  echo "the share of the machine's CPU time that the hypervisor gave to others during each run"
  echo "(\`/proc/stat\`); latency tails grow with it."
  echo
  echo "| scenario | load generator arguments | events/s (median) | p50 us | p99 us | p99.9 us | server CPU (cores, max) | server RSS MB (max) | steal % per run | all acked | events/s per run |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if ((${#from_write[@]} > 0)); then
    echo "Fixed-rate latency measured from each frame's socket write instead of its intended send"
    echo "time (the difference is the load generator's own lateness):"
    echo
    printf '%s\n' "${from_write[@]}"
    echo
  fi
  echo "The service lists the generator's 16 topics at BATCH (\`-Deventstream.topics.priorities.load/topic-N=BATCH\`),"
  echo "so frames keep their priorities: 40% of events go to realtime, 40% to transactional, 20% to batch."
  echo
  echo "S5 ($S5_DURATION at 100,000 events/s, memory storage):"
  echo
  echo "- $(echo "$s5" | tr '\n' ' ')"
  echo "- RSS every 30 s (MB): $rss_series(every second: $rss_range)"
  echo "- GC collections so far, every 30 s from the start of the load: $gc_series"
  echo "- GC at the end: $gc"
  echo "- Idle CPU afterwards (no traffic, 20 s): $idle of one core"
  echo
  echo "Latencies leave out the first $WARMUP of each run (JIT warm-up of both JVMs), $S2_WARMUP in S2"
  echo "(there the JIT's later recompilations too; see the comment in the script)."
  echo "Latency is measured by the load generator from send (in fixed-rate mode: from the intended"
  echo "send time, correcting coordinated omission) to the ACK that covers the event; an ACK means"
  echo "every storage backend committed it. Max-rate scenarios keep up to 65,536 unacknowledged"
  echo "frames per connection in flight, so their latency is queueing, not service time."
} >"$work/report.md"
if [[ -n "${OUT:-}" ]]; then
  cp "$work/report.md" "$OUT"
  echo "wrote $OUT" >&2
elif grep -qxF "$begin" "$results" || grep -qxF "$end" "$results"; then
  # Replace only between one begin and one end marker, in that order; anything else would lose text.
  b=$(grep -nxF "$begin" "$results" | cut -d: -f1); e=$(grep -nxF "$end" "$results" | cut -d: -f1)
  if [[ $(wc -w <<<"$b") != 1 || $(wc -w <<<"$e") != 1 ]] || ((b >= e)); then
    cp "$work/report.md" bench/report-unplaced.md
    echo "$results: expected one '$begin' line before one '$end' line;" \
      "the report is in bench/report-unplaced.md" >&2
    exit 1
  fi
  awk -v b="$begin" -v e="$end" -v f="$work/report.md" '
    $0 == b { print; while ((getline line < f) > 0) print line; skipping = 1; next }
    $0 == e { skipping = 0 }
    !skipping { print }' "$results" >"$work/results.md"
  cp "$work/results.md" "$results"
  echo "wrote the report into $results" >&2
else
  { echo; echo "$begin"; cat "$work/report.md"; echo "$end"; } >>"$results"
  echo "appended the report to $results" >&2
fi
