#!/bin/bash
# Runs one bare-metal RISC-V64 test program (an ELF built in this folder)
# on the virt board and judges it: the VM must exit with status 0 and the
# serial output must end with "PASS <name> (N checks)" and hold no FAIL line.
#
#   run-baremetal.sh --vm qemu PROG.elf
#   run-baremetal.sh --vm polyvm --polyvm PATH PROG.elf
#   run-baremetal.sh --polyvm PATH --compare PROG.elf
#
# --compare runs polyvm and qemu-system-riscv64 and also requires their
# serial outputs to be identical (the programs print only values the ISA
# fixes). Options: --qemu PATH (default: qemu-system-riscv64 from PATH),
# --timeout SECONDS (default 10). polyvm inherits POLYVM_ENGINE from the
# environment. Exit status: 0 pass, 1 fail, 77 (meson's "skip") when a
# needed VM is missing.
set -u

vm=polyvm
polyvm=
qemu=qemu-system-riscv64
compare=0
limit=10
prog=

usage() {
	echo "usage: $0 [--vm qemu|polyvm] [--polyvm PATH] [--qemu PATH] [--compare] [--timeout S] PROG.elf" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--vm) vm=${2:-}; shift 2 ;;
	--polyvm) polyvm=${2:-}; shift 2 ;;
	--qemu) qemu=${2:-}; shift 2 ;;
	--compare) compare=1; shift ;;
	--timeout) limit=${2:-}; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "$0: unknown option $1" >&2; usage ;;
	*) [ -z "$prog" ] || usage; prog=$1; shift ;;
	esac
done
[ -n "$prog" ] || usage
[ -f "$prog" ] || { echo "$0: no such program: $prog" >&2; exit 2; }
name=$(basename "$prog" .elf)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_vm VM: runs the program, leaves stdout/stderr/status in $work/VM.*
run_vm() {
	local which=$1 cmd
	case "$which" in
	qemu)
		command -v "$qemu" >/dev/null || { echo "SKIP $name: $qemu not found"; exit 77; }
		cmd=("$qemu" -M virt -bios none -m 128M -nographic -kernel "$prog") ;;
	polyvm)
		[ -n "$polyvm" ] || { echo "$0: --vm polyvm needs --polyvm PATH" >&2; exit 2; }
		cmd=("$polyvm" system -M virt -bios none -m 128M -kernel "$prog") ;;
	*) usage ;;
	esac
	timeout -k 2 "$limit" "${cmd[@]}" </dev/null >"$work/$which.out" 2>"$work/$which.err"
	echo $? >"$work/$which.status"
	echo "${cmd[*]}" >"$work/$which.cmd"
}

# judge VM: prints a verdict; returns 0 when the run passed.
judge() {
	local which=$1 status last
	status=$(cat "$work/$which.status")
	last=$(tail -n 1 "$work/$which.out")
	if [ "$status" = 0 ] && [[ "$last" == "PASS $name "* ]] &&
		! grep -q '^FAIL ' "$work/$which.out"; then
		echo "PASS $name on $which: $last"
		return 0
	fi
	echo "FAIL $name on $which"
	echo "  command: $(cat "$work/$which.cmd")"
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		echo "  timed out after ${limit}s"
	else
		echo "  exit status: $status"
	fi
	echo "  last line: ${last:-<no output>}"
	echo "  failing checks:"
	grep -v '^ok ' "$work/$which.out" | sed 's/^/    /'
	if [ -s "$work/$which.err" ]; then
		echo "  stderr:"
		sed 's/^/    /' "$work/$which.err"
	fi
	return 1
}

if [ "$compare" = 1 ]; then
	run_vm polyvm
	run_vm qemu
	ok=0
	judge polyvm || ok=1
	judge qemu || { ok=1; echo "  (the oracle itself failed: suspect the test program)"; }
	if ! diff -u --label "qemu: $name" --label "polyvm: $name" \
		"$work/qemu.out" "$work/polyvm.out" >"$work/diff"; then
		echo "FAIL $name: polyvm output differs from qemu's"
		cat "$work/diff"
		ok=1
	else
		echo "SAME $name: polyvm and qemu outputs are identical"
	fi
	exit $ok
fi

run_vm "$vm"
judge "$vm"
