package tune

import (
	"fmt"
	"strings"

	"github.com/netvet/netvet/analyze"
)

// Where --persist writes. Sysctls go to a sysctl.d file (systemd-sysctl
// applies it at boot); what the kernel forgets with the device — queue
// masks, txqueuelen, rings, channels, features — to a udev rule run when
// the device appears; IRQ affinity to a systemd unit that pins vectors by
// name once the network is up, because IRQ numbers change between boots.
// NETVET_PERSIST_ROOT, when set, is prefixed to every path (for tests and
// for image builds) and no service is reloaded.
const (
	irqScriptPath = "/usr/local/sbin/netvet-irq-affinity"
	irqUnitPath   = "/etc/systemd/system/netvet-irq-affinity.service"
)

// irqByName is an awk program printing the number of the IRQ whose action
// (the last column of /proc/interrupts) is v.
const irqByName = `awk -v v="$1" '{ s = $0; sub(/[ \t]+$/, "", s); n = length(v); if (substr(s, length(s) - n + 1) == v && substr(s, length(s) - n, 1) ~ /[ \t]/) { sub(":", "", $1); print $1; exit } }' /proc/interrupts`

// irqScriptHeader starts the boot-time IRQ script; pin lines follow.
const irqScriptHeader = `#!/bin/sh
# Written by netvet plan --persist. Pins NIC queue interrupts to CPUs by their
# names in /proc/interrupts (IRQ numbers change between boots). Run at boot by
# netvet-irq-affinity.service; one "pin VECTOR CPUS" line per interrupt.
pin() {
	irq=$(` + irqByName + `)
	if [ -z "$irq" ]; then echo "netvet-irq-affinity: no IRQ named $1" >&2; return 0; fi
	echo "$2" > "/proc/irq/$irq/smp_affinity_list" || echo "netvet-irq-affinity: cannot pin $1 (IRQ $irq) to CPUs $2" >&2
}`

// irqUnit runs the IRQ script once the network is up: drivers request
// their vectors when the interface is opened.
const irqUnit = `[Unit]
Description=netvet: pin NIC queue interrupts to their CPUs
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=` + irqScriptPath + `

[Install]
WantedBy=multi-user.target`

// persist writes the --persist part of the script.
func (s *script) persist(p *Plan) {
	steps := p.Steps()
	if len(steps) == 0 {
		return
	}
	s.line("")
	s.line("# --- Persist (with --persist): keep the changes across reboots " + strings.Repeat("-", 36))
	s.line("# A line for a setting replaces the file's earlier line for it: running it again keeps one of each.")
	s.line(`persist_all() {`)
	irq := false
	for _, st := range steps {
		c := st.Change
		switch c.Kind {
		case analyze.ChangeSysctl:
			s.linef("\tpersist_line 644 \"$persist_root\"%s %s %s", q(analyze.SysctlFile), q(c.Target+" ="), q(c.Target+" = "+c.Value))
		case analyze.ChangeSysfs:
			s.linef("\tpersist_udev_attr %s %s %s", q(c.Device), q(c.Target), q(c.Value))
		case analyze.ChangeTxQueueLen:
			s.linef("\tpersist_udev_attr %s tx_queue_len %s", q(c.Device), q(c.Value))
		case analyze.ChangeRing:
			s.linef("\tpersist_udev_ethtool %s %s %s", q(c.Device), q("-G %k "+c.Target), q(c.Value))
		case analyze.ChangeChannels:
			s.linef("\tpersist_udev_ethtool %s %s %s", q(c.Device), q("-L %k "+c.Target), q(c.Value))
		case analyze.ChangeFeature:
			s.linef("\tpersist_udev_ethtool %s %s %s", q(c.Device), q("-K %k "+c.Target), q(c.Value))
		case analyze.ChangeIRQAffinity:
			s.linef("\tpersist_irq %s %s", q(c.Vector), q(c.Value))
			irq = true
		}
	}
	if irq {
		s.line("\tpersist_irq_unit")
	}
	s.line("\tpersist_reload")
	s.line("}")
}

// persistHelpers are the bash functions of the persist part.
var persistHelpers = fmt.Sprintf(`persist_root=${NETVET_PERSIST_ROOT:-}
udev_rules="$persist_root"%s

# persist_line MODE FILE KEY LINE: LINE replaces the lines of FILE that
# contain KEY, or is added at the end.
persist_line() {
	local mode=$1 file=$2 key=$3 line=$4 tmp
	mkdir -p "$(dirname "$file")"
	tmp=$(mktemp "$file.XXXXXX")
	if [[ -e $file ]]; then grep -vF -- "$key" "$file" >"$tmp" || true; fi
	printf '%%s\n' "$line" >>"$tmp"
	chmod "$mode" "$tmp"
	mv -f "$tmp" "$file"
	printf 'persist %%s: %%s\n' "$file" "$line"
}

persist_udev_attr() { # DEVICE ATTRIBUTE VALUE
	persist_line 644 "$udev_rules" "KERNEL==\"$1\", ATTR{$2}=" "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"$1\", ATTR{$2}=\"$3\""
}

persist_udev_ethtool() { # DEVICE "OPTION %%k WHAT" VALUE
	local bin
	bin=$(command -v ethtool || printf /usr/sbin/ethtool)
	persist_line 644 "$udev_rules" "KERNEL==\"$1\", RUN+=\"$bin $2 " "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"$1\", RUN+=\"$bin $2 $3\""
}

persist_irq() { # VECTOR CPUS
	local file="$persist_root"%s
	if [[ ! -e $file ]]; then
		mkdir -p "$(dirname "$file")"
		cat >"$file" <<'NETVET_IRQ_SCRIPT'
%s
NETVET_IRQ_SCRIPT
	fi
	persist_line 755 "$file" "pin '$1' " "pin '$1' '$2'"
}

persist_irq_unit() {
	local file="$persist_root"%s
	mkdir -p "$(dirname "$file")"
	cat >"$file" <<'NETVET_IRQ_UNIT'
%s
NETVET_IRQ_UNIT
	printf 'persist %%s\n' "$file"
	if [[ -z $persist_root ]] && command -v systemctl >/dev/null; then
		systemctl daemon-reload
		systemctl enable netvet-irq-affinity.service
	fi
}

persist_reload() {
	if [[ -z $persist_root ]] && command -v udevadm >/dev/null; then
		udevadm control --reload || true
	fi
}`, q(analyze.UdevFile), q(irqScriptPath), irqScriptHeader, q(irqUnitPath), irqUnit)
