#!/usr/bin/env bash
# bench-peers.sh: netvet bench copy next to iperf3 on this machine, in one go.
#
# Runs netvet's read-write and sendfile over loopback TCP, and iperf3 (Debian's
# package) with the same byte count, block size and CPU pinning: plain iperf3
# (write(2) from one in-memory block), iperf3 -Z (sendfile(2)) and iperf3 -F
# (read(2) of the same file, then write(2): the same work as netvet's
# read-write). Prints the medians, the ratios, and the machine's memory-copy
# bandwidth as the physical ceiling.
#
# Needs: go, iperf3, jq, ss (apt-get install -y iperf3 jq iproute2). Settings by
# environment (sizes in K, M, G: powers of 1024):
#   SIZE=1G CHUNK=128K REPEAT=5 PIN_SENDER=0 PIN_SINK=1 DIR=/tmp PORT=5299
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-1G} CHUNK=${CHUNK:-128K} REPEAT=${REPEAT:-5}
PIN_SENDER=${PIN_SENDER:-0} PIN_SINK=${PIN_SINK:-1}
DIR=${DIR:-${TMPDIR:-/tmp}} PORT=${PORT:-5299}

for tool in iperf3 jq go ss numfmt; do
	command -v "$tool" >/dev/null || { echo "bench-peers: $tool not found (apt-get install -y iperf3 jq iproute2)" >&2; exit 1; }
done

work=$(mktemp -d "$DIR/netvet-peers.XXXXXX")
server=
cleanup() {
	[[ -n $server ]] && kill "$server" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

go build -o "$work/netvet" ./cmd/netvet

# One file for everyone, so netvet and iperf3 -F read the same bytes.
bytes=$(numfmt --from=iec "$SIZE")
chunk=$(numfmt --from=iec "$CHUNK")
head -c "$bytes" /dev/urandom >"$work/file"

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# One iperf3 transfer of the file's size in CHUNK blocks. Prints "rate
# sender-cpu receiver-cpu": the receiver rate in bytes/s (received bytes over
# the receiver's time, as netvet's time ends at the sink's last read) and CPU
# seconds per GB (10^9 bytes) from iperf3's own getrusage figures.
iperf() {
	iperf3 -s -1 -p "$PORT" -A "$PIN_SINK" >/dev/null 2>&1 &
	server=$!
	for _ in $(seq 100); do
		[[ -n $(ss -Hltn "sport = :$PORT") ]] && break
		sleep 0.05
	done
	iperf3 -c 127.0.0.1 -p "$PORT" -n "$bytes" -l "$chunk" -A "$PIN_SENDER" -J "$@" >"$work/iperf.json"
	wait "$server" 2>/dev/null || true
	server=
	jq -r --argjson gb "$bytes" '.end as $e | ($gb / 1e9) as $g |
		"\($e.sum_received.bits_per_second / 8) \($e.cpu_utilization_percent.host_total / 100 * $e.sum_sent.seconds / $g) \($e.cpu_utilization_percent.remote_total / 100 * $e.sum_received.seconds / $g)"' "$work/iperf.json"
}

# netvet's figures for one method from one round's JSON, in iperf()'s format.
netvet_figures() {
	jq -r --arg m "$1" '.results[] | select(.method == $m) | .summary |
		"\(.throughput_bytes_per_sec.median) \(.sender_cpu_s_per_gb.median) \(.sink_cpu_s_per_gb.median)"' "$2"
}

# Rounds, not blocks: each round runs every contender once, so a busy spell
# on the machine hits all of them rather than one.
echo "== $REPEAT rounds of: netvet read-write and sendfile, iperf3, iperf3 -Z, iperf3 -F ($SIZE in $CHUNK blocks, loopback TCP)" >&2
for ((i = 0; i < REPEAT; i++)); do
	"$work/netvet" bench copy --file "$work/file" --chunk "$chunk" --repeat 1 \
		--methods read-write,sendfile --transports tcp \
		--pin-sender "$PIN_SENDER" --pin-sink "$PIN_SINK" --format json --no-progress >"$work/netvet.json"
	netvet_figures read-write "$work/netvet.json" >>"$work/nv-rw"
	netvet_figures sendfile "$work/netvet.json" >>"$work/nv-sf"
	jq '.machine.memcpy_bytes_per_sec' "$work/netvet.json" >>"$work/memcpy"
	jq '.machine.load_avg_1m' "$work/netvet.json" >>"$work/load"
	iperf >>"$work/ip"
	iperf -Z >>"$work/ipz"
	iperf -F "$work/file" >>"$work/ipf"
	printf '   round %d/%d GB/s: netvet rw %.2f sf %.2f | iperf3 %.2f -Z %.2f -F %.2f\n' $((i + 1)) "$REPEAT" \
		$(for f in nv-rw nv-sf ip ipz ipf; do tail -1 "$work/$f" | awk '{print $1/1e9}'; done) >&2
done

# col FILE N: the median of column N.
col() { awk -v n="$2" '{print $n}' "$1" | median; }
memcpy=$(sort -g "$work/memcpy" | tail -1) load=$(median <"$work/load")

{
	printf '\nloopback TCP, %s per run in %s blocks, median of %d rounds (median load %.2f)\n' "$SIZE" "$CHUNK" "$REPEAT" "$load"
	printf '%-32s %8s %14s %14s\n' "" "GB/s" "sender s/GB" "receiver s/GB"
	for row in "nv-rw:netvet read-write" "ip:iperf3 (write one buffer)" "ipf:iperf3 -F (read file, write)" \
		"nv-sf:netvet sendfile" "ipz:iperf3 -Z (sendfile)"; do
		f=${row%%:*}
		printf '%-32s %8.2f %14.3f %14.3f\n' "${row#*:}" "$(col "$work/$f" 1 | awk '{print $1/1e9}')" \
			"$(col "$work/$f" 2)" "$(col "$work/$f" 3)"
	done
	printf '%-32s %8.2f\n' "memcpy (physical ceiling)" "$(awk -v m="$memcpy" 'BEGIN {print m/1e9}')"
	printf '\nratios (throughput: 1.00 = as fast, target >= 0.95; CPU: below 1 = cheaper)\n'
	printf '%-32s %8s %14s %14s\n' "" "GB/s" "sender CPU" "receiver CPU"
	for pair in "nv-rw:ip:netvet read-write / iperf3" "nv-rw:ipf:netvet read-write / iperf3 -F" "nv-sf:ipz:netvet sendfile / iperf3 -Z"; do
		IFS=: read -r a b label <<<"$pair"
		printf '%-32s %8.2f %14.2f %14.2f\n' "$label" \
			"$(awk -v x="$(col "$work/$a" 1)" -v y="$(col "$work/$b" 1)" 'BEGIN {print x/y}')" \
			"$(awk -v x="$(col "$work/$a" 2)" -v y="$(col "$work/$b" 2)" 'BEGIN {print x/y}')" \
			"$(awk -v x="$(col "$work/$a" 3)" -v y="$(col "$work/$b" 3)" 'BEGIN {print x/y}')"
	done
	printf '\nnetvet sender CPU is its sending thread (RUSAGE_THREAD), receiver CPU the sink process while\n'
	printf 'draining (it also computes CRC-32C); iperf3 reports each whole process (RUSAGE_SELF).\n'
}
