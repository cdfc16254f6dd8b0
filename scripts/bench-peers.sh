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

# One iperf3 transfer of the file's size in CHUNK blocks; prints the receiver
# rate in bytes/s (received bytes over the receiver's time, as netvet's time
# ends at the sink's last read).
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
	jq '.end.sum_received.bits_per_second / 8' "$work/iperf.json"
}

# Rounds, not blocks: each round runs every contender once, so a busy spell
# on the machine hits all of them rather than one.
echo "== $REPEAT rounds of: netvet read-write and sendfile, iperf3, iperf3 -Z, iperf3 -F ($SIZE in $CHUNK blocks, loopback TCP)" >&2
for ((i = 0; i < REPEAT; i++)); do
	"$work/netvet" bench copy --file "$work/file" --chunk "$chunk" --repeat 1 \
		--methods read-write,sendfile --transports tcp \
		--pin-sender "$PIN_SENDER" --pin-sink "$PIN_SINK" --format json --no-progress >"$work/netvet.$i.json"
	jq '.results[] | select(.method=="read-write") | .summary.throughput_bytes_per_sec.median' "$work/netvet.$i.json" >>"$work/rw"
	jq '.results[] | select(.method=="sendfile") | .summary.throughput_bytes_per_sec.median' "$work/netvet.$i.json" >>"$work/sf"
	jq '.machine.memcpy_bytes_per_sec' "$work/netvet.$i.json" >>"$work/memcpy"
	jq '.machine.load_avg_1m' "$work/netvet.$i.json" >>"$work/load"
	iperf >>"$work/ip"
	iperf -Z >>"$work/ipz"
	iperf -F "$work/file" >>"$work/ipf"
	printf '   round %d/%d GB/s: netvet rw %.2f sf %.2f | iperf3 %.2f -Z %.2f -F %.2f\n' $((i + 1)) "$REPEAT" \
		"$(tail -1 "$work/rw" | awk '{print $1/1e9}')" "$(tail -1 "$work/sf" | awk '{print $1/1e9}')" \
		"$(tail -1 "$work/ip" | awk '{print $1/1e9}')" "$(tail -1 "$work/ipz" | awk '{print $1/1e9}')" \
		"$(tail -1 "$work/ipf" | awk '{print $1/1e9}')" >&2
done

rw=$(median <"$work/rw") sf=$(median <"$work/sf")
ip_plain=$(median <"$work/ip") ip_zero=$(median <"$work/ipz") ip_file=$(median <"$work/ipf")
memcpy=$(sort -g "$work/memcpy" | tail -1) load=$(median <"$work/load")

awk -v rw="$rw" -v sf="$sf" -v ip="$ip_plain" -v ipz="$ip_zero" -v ipf="$ip_file" \
	-v mc="$memcpy" -v load="$load" -v size="$SIZE" -v chunk="$CHUNK" -v n="$REPEAT" 'BEGIN {
	printf "\nloopback TCP, %s per run in %s blocks, median of %d rounds (median load %.2f)\n", size, chunk, n, load
	printf "%-34s %10s\n", "", "GB/s"
	printf "%-34s %10.2f\n", "netvet read-write", rw/1e9
	printf "%-34s %10.2f\n", "iperf3 (write from one buffer)", ip/1e9
	printf "%-34s %10.2f\n", "iperf3 -F (read file, write)", ipf/1e9
	printf "%-34s %10.2f\n", "netvet sendfile", sf/1e9
	printf "%-34s %10.2f\n", "iperf3 -Z (sendfile)", ipz/1e9
	printf "%-34s %10.2f\n", "memcpy (physical ceiling)", mc/1e9
	printf "\nratios (1.00 = as fast; target >= 0.95)\n"
	printf "  netvet read-write / iperf3      %.2f\n", rw/ip
	printf "  netvet read-write / iperf3 -F   %.2f\n", rw/ipf
	printf "  netvet sendfile   / iperf3 -Z   %.2f\n", sf/ipz
}'
