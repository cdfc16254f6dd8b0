#!/usr/bin/env bash
# Peers of `netvet bench accept`: Debian's wrk against the bench's own
# minimal server (one model, --listen) with "Connection: close", then the
# built-in generator against the same server with the same threads and
# connections, alternating for ROUNDS rounds. Prints the median connection
# rates and their ratio. The built-in generator must reach at least wrk's
# rate (ratio >= 1): generator and server share the CPUs, so a generator
# that costs more per connection leaves less to the server and would be
# what limits the benchmark.
#
# With two CPUs or more it pins the server to CPU 0 and the generators to
# the others (PIN=0 turns that off): each side then has CPUs of its own and
# the rate measures what a generator can drive, instead of how the
# scheduler split two shared CPUs in that round (on a busy 2-CPU box the
# unpinned rates of either tool swing by 40% from round to round).
#
# As root it runs in a network namespace of its own (removed on exit, even
# on error), so the host's loopback and sysctls are not involved.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/netvet}
MODEL=${MODEL:-reuseport}
NCPU=$(nproc)
PIN=${PIN:-$([ "$NCPU" -ge 2 ] && echo 1 || echo 0)}
if [ "$PIN" = 1 ]; then
	SRV_PIN=(taskset -c 0)
	GEN_PIN=(taskset -c "1-$((NCPU - 1))")
	WORKERS=${WORKERS:-1}
	THREADS=${THREADS:-$((NCPU - 1))}
else
	SRV_PIN=()
	GEN_PIN=()
	WORKERS=${WORKERS:-$NCPU}
	THREADS=${THREADS:-$NCPU}
fi
CONNS=${CONNS:-64}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18080}

if ! command -v wrk >/dev/null; then
	echo "bench-peers-accept: wrk not found (Debian: apt-get install wrk)" >&2
	exit 1
fi
[ -x "$BIN" ] || { echo "bench-peers-accept: $BIN missing; run make build" >&2; exit 1; }

IN=()
NS=""
SRV=""
cleanup() {
	if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; fi
	if [ -n "$NS" ]; then ip netns del "$NS" 2>/dev/null || true; fi
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	NS="netvet-peers-$$"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	IN=(ip netns exec "$NS")
fi

"${IN[@]}" "${SRV_PIN[@]}" "$BIN" bench accept --listen "$PORT" --models "$MODEL" --workers "$WORKERS" &
SRV=$!
for _ in $(seq 50); do
	if "${IN[@]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then break; fi
	sleep 0.1
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# cpu CMD...: runs CMD, prints its stdout, and appends its user+system CPU
# seconds to $CPUFILE (bash's time keyword, no extra package needed).
CPUFILE=$(mktemp)
trap 'rm -f "$CPUFILE"; cleanup' EXIT
cpu() {
	local TIMEFORMAT='%U %S'
	{ time "$@" 2>/dev/null; } 2>>"$CPUFILE"
}
cpu_us_per_conn() { # seconds line, rate: µs of generator CPU per connection
	tail -n1 "$CPUFILE" | awk -v r="$1" -v d="$DURATION" '{printf "%.1f", ($1 + $2) * 1e6 / (r * d)}'
}

wrk_rates=()
our_rates=()
wrk_cpu=()
our_cpu=()
for r in $(seq "$ROUNDS"); do
	w=$(cpu "${IN[@]}" "${GEN_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$PORT/" |
		awk '/^Requests\/sec:/ {print $2}')
	wc=$(cpu_us_per_conn "$w")
	o=$(cpu "${IN[@]}" "${GEN_PIN[@]}" "$BIN" bench accept --target "127.0.0.1:$PORT" --mode close --conns "$CONNS" \
		--client-threads "$THREADS" --duration "${DURATION}s" --warmup 0s |
		awk '{for (i = 1; i <= NF; i++) if ($i == "conn/s,") print $(i-1)}')
	oc=$(cpu_us_per_conn "$o")
	echo "round $r: wrk $w conn/s ($wc µs CPU/conn), netvet $o conn/s ($oc µs CPU/conn)"
	wrk_rates+=("$w")
	our_rates+=("$o")
	wrk_cpu+=("$wc")
	our_cpu+=("$oc")
done

W=$(printf '%s\n' "${wrk_rates[@]}" | median)
O=$(printf '%s\n' "${our_rates[@]}" | median)
WC=$(printf '%s\n' "${wrk_cpu[@]}" | median)
OC=$(printf '%s\n' "${our_cpu[@]}" | median)
RATIO=$(awk -v o="$O" -v w="$W" 'BEGIN {printf "%.2f", o / w}')
PINNED="unpinned"
[ "$PIN" = 1 ] && PINNED="server on CPU 0, generators on CPUs 1-$((NCPU - 1))"
echo "accept peers: server $MODEL with $WORKERS worker thread(s); $THREADS generator thread(s), $CONNS connections, ${DURATION}s x $ROUNDS rounds (median); $PINNED"
echo "  wrk -H 'Connection: close'  $W conn/s, $WC µs generator CPU per connection"
echo "  netvet generator            $O conn/s, $OC µs generator CPU per connection"
echo "  ratio netvet/wrk            $RATIO (must be >= 1)"
awk -v r="$RATIO" 'BEGIN {exit !(r >= 1)}' || { echo "bench-peers-accept: the built-in generator is slower than wrk" >&2; exit 1; }
