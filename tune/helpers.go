package tune

// helpers are the bash functions the steps call. Each reads the setting,
// does nothing when it already has the value, else writes it and reads it
// back. Values compare as the kernel prints them: words joined by one
// space ("32768	60999" is "32768 60999"), masks without commas and
// leading zeros ("0000,00ff" is "ff"), CPU lists expanded ("0-2" is "0 1 2").
var helpers = `changed=0 unchanged=0 current_step=
die() { printf 'netvet plan: %s%s\n' "${current_step:+$current_step: }" "$*" >&2; exit 1; }
step() { current_step="step $1/$2 ($3)"; }
need_ethtool() { command -v ethtool >/dev/null || die "ethtool is not installed (apt-get install ethtool, dnf install ethtool)"; }

norm() { # KIND VALUE
	local v=$2 w part i out=()
	case $1 in
	mask)
		v=${v//,/}
		v=${v,,}
		while [[ $v == 0?* ]]; do v=${v#0}; done
		printf '%s' "$v"
		;;
	list)
		IFS=, read -ra w <<<"$v"
		for part in "${w[@]}"; do
			if [[ $part == *-* ]]; then
				for ((i = ${part%-*}; i <= ${part#*-}; i++)); do out+=("$i"); done
			else
				out+=("$part")
			fi
		done
		printf '%s' "${out[*]}"
		;;
	*)
		read -ra w <<<"$v"
		printf '%s' "${w[*]}"
		;;
	esac
}

ok() { printf 'ok      %s = %s\n' "$1" "$2"; unchanged=$((unchanged + 1)); }
did() { printf 'changed %s: %s -> %s\n' "$1" "$2" "$3"; changed=$((changed + 1)); }

set_file() { # PATH KIND VALUE
	local path=$1 kind=$2 want=$3 cur now
	[[ -e $path ]] || die "$path does not exist"
	cur=$(<"$path") || die "cannot read $path"
	if [[ $(norm "$kind" "$cur") == "$(norm "$kind" "$want")" ]]; then
		ok "$path" "$cur"
		return
	fi
	printf '%s\n' "$want" >"$path" || die "cannot write $want to $path"
	now=$(<"$path") || die "cannot read $path"
	[[ $(norm "$kind" "$now") == "$(norm "$kind" "$want")" ]] || die "$path is $now after writing $want"
	did "$path" "$cur" "$now"
}

set_sysctl() { set_file "/proc/sys/${1//.//}" words "$2"; }

irq_named() { # VECTOR: the number of the IRQ with that name in /proc/interrupts
	` + irqByName + `
}

set_irq() { # IRQ VECTOR CPUS: IRQ is the number in the snapshot; the name decides
	local irq
	irq=$(irq_named "$2")
	[[ -n $irq ]] || die "no IRQ named $2 in /proc/interrupts (it was IRQ $1): is the device up?"
	[[ $irq == "$1" ]] || printf 'note    %s is IRQ %s now (it was %s)\n' "$2" "$irq" "$1"
	set_file "/proc/irq/$irq/smp_affinity_list" list "$3"
}

ethtool_current() { # -g|-l DEVICE KEY: KEY's value under "Current hardware settings"
	local out
	out=$(ethtool "$1" "$2") || die "ethtool $1 $2 failed"
	awk -v k="$3:" '/^Current hardware settings/ { c = 1; next } c && $1 == k { print $2; exit }' <<<"$out"
}

set_count() { # -g|-l -G|-L DEVICE WHAT KEY VALUE
	local dev=$3 what=$4 key=$5 want=$6 cur now
	need_ethtool
	cur=$(ethtool_current "$1" "$dev" "$key")
	[[ -n $cur ]] || die "ethtool $1 $dev shows no current $key"
	if [[ $cur == "$want" ]]; then
		ok "$dev $what ($1)" "$cur"
		return
	fi
	ethtool "$2" "$dev" "$what" "$want" || die "ethtool $2 $dev $what $want failed"
	now=$(ethtool_current "$1" "$dev" "$key")
	[[ $now == "$want" ]] || die "$dev $what is $now after setting $want"
	did "$dev $what ($1)" "$cur" "$now"
}

set_ring() { set_count -g -G "$1" "$2" "${2^^}" "$3"; }

set_channels() {
	local key=${2^^}
	[[ $2 == combined ]] && key=Combined
	set_count -l -L "$1" "$2" "$key" "$3"
}

feature_state() { # DEVICE NAME LABEL: on or off (ethtool -k prints some features by an older label)
	local out
	out=$(ethtool -k "$1") || die "ethtool -k $1 failed"
	awk -v a="$2:" -v b="$3:" '$1 == a || $1 == b { print $2; exit }' <<<"$out"
}

set_feature() { # DEVICE NAME LABEL on|off
	local dev=$1 name=$2 want=$4 cur now
	need_ethtool
	cur=$(feature_state "$dev" "$name" "$3")
	[[ -n $cur ]] || die "$dev has no feature $name"
	if [[ $cur == "$want" ]]; then
		ok "$dev $name" "$cur"
		return
	fi
	ethtool -K "$dev" "$name" "$want" || true # the read below says whether it took
	now=$(feature_state "$dev" "$name" "$3")
	[[ $now == "$want" ]] || die "$dev $name is $now after turning it $want (ethtool -k $dev shows [fixed] for what the device cannot change)"
	did "$dev $name" "$cur" "$now"
}

` + persistHelpers
