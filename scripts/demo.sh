#!/usr/bin/env bash
# The `make run` demo: boots the default guest, Debian's riscv64 kernel with
# the guest kit's initramfs, on polyvm's virt board (OpenSBI firmware), with
# a virtio disk, user-mode networking and virtio-rng, console on this
# terminal.
#   - stdin is a terminal: an interactive BusyBox shell (Ctrl-A X quits,
#     `poweroff` or exiting the shell powers off);
#   - otherwise: a short script runs in the guest (kernel, CPU, devices,
#     network, file systems) and the machine powers off; the exit status is
#     polyvm's.
# The disk is a raw image kept in the cache, $POLYVM_CACHE/riscv64/demo-disk.img
# (64 MiB, created empty on first use, never overwritten), so whatever the
# user writes to /dev/vda survives the next `make run`. Delete it to start
# over.
# --user runs the earlier user-mode demo instead: Debian's own riscv64
# programs (busybox, xz, sqlite3) under `polyvm user`, then one translated
# block as guest code, IR and host code, and --stats.
# Usage: scripts/demo.sh [--user] PATH-TO-POLYVM
set -euo pipefail
mode=system
if [ "${1:-}" = --user ]; then
    mode=user
    shift
fi
[ $# -eq 1 ] || { echo "usage: scripts/demo.sh [--user] PATH-TO-POLYVM" >&2; exit 2; }
polyvm=$1
build=$(dirname "$polyvm")
cache=${POLYVM_CACHE:-$HOME/.cache/polyvm}/riscv64
kit=$cache/kit.env
if [ ! -f "$kit" ]; then
    echo "demo: $kit is missing: run scripts/guest-kit riscv64 first" >&2
    exit 1
fi
# shellcheck source=/dev/null
source "$kit"

# The commands of the non-interactive boot: one line without double quotes,
# as it travels inside polyvm.script="..." on the kernel command line.
guest_script='echo; echo == uname -a; uname -a; echo == /proc/cpuinfo; head -n 5 /proc/cpuinfo;'
guest_script+=' echo == devices; ls /dev/vd* /dev/hwrng; echo == eth0; ip addr show dev eth0;'
guest_script+=' echo == df; df -h'

system_demo() {
    local disk=$cache/demo-disk.img
    for v in POLYVM_RV64_KERNEL POLYVM_RV64_INITRD POLYVM_RV64_OPENSBI; do
        if [ -z "${!v:-}" ] || [ ! -f "${!v}" ]; then
            echo "demo: $v is not set or missing in $kit: run scripts/guest-kit riscv64" >&2
            exit 1
        fi
    done
    # Created once; an existing image is the user's and is left as it is.
    [ -e "$disk" ] || truncate -s 64M "$disk"
    local append="console=ttyS0 polyvm.quiet=1"
    local -a machine=(-M virt -m 512M -bios "$POLYVM_RV64_OPENSBI"
        -kernel "$POLYVM_RV64_KERNEL" -initrd "$POLYVM_RV64_INITRD"
        -drive "file=$disk,format=raw,if=virtio"
        -nic user -device virtio-rng-device -nographic)
    if [ -t 0 ]; then
        echo "polyvm: booting Debian riscv64 to a BusyBox shell; Ctrl-A X quits, \`poweroff\` powers off (disk /dev/vda = $disk)"
        exec "$polyvm" system "${machine[@]}" -append "$append"
    fi
    echo "polyvm: booting Debian riscv64 (no terminal on stdin: running a short script, then powering off)"
    local status=0
    "$polyvm" system "${machine[@]}" -append "$append polyvm.script=\"$guest_script\"" </dev/null || status=$?
    echo "polyvm: exit status $status"
    exit "$status"
}

user_demo() {
    local sysroot=$POLYVM_RV64_SYSROOT work
    work=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT

    echo "== busybox sh (riscv64, Debian busybox-static): a pipeline with a subshell"
    # shellcheck disable=SC2016 # expanded by the guest shell
    "$polyvm" user "$POLYVM_RV64_BUSYBOX" sh -c \
        'uname -m; seq 1 100000 | awk "{s+=\$1} END {print \"sum\", s}"; echo "nested: $(echo a b c | wc -w) words"'
    echo
    echo "== Debian's xz (riscv64, dynamically linked): compress and check a round trip"
    seq 1 200000 > "$work/data"
    "$polyvm" user -L "$sysroot" "$POLYVM_RV64_XZ" -6 -k "$work/data"
    "$polyvm" user -L "$sysroot" "$POLYVM_RV64_XZ" -d -c "$work/data.xz" | cmp - "$work/data" &&
        echo "xz: $(stat -c %s "$work/data") bytes -> $(stat -c %s "$work/data.xz") bytes, round trip identical"
    echo
    echo "== Debian's sqlite3 (riscv64): create, insert, query"
    "$polyvm" user -L "$sysroot" "$POLYVM_RV64_SQLITE3" "$work/demo.db" \
        "create table t(n integer); with recursive c(x) as (select 1 union all select x+1 from c where x<1000)
         insert into t select x from c; select count(*), sum(n), avg(n) from t;"
    echo
    local loop=$build/bench/rv64-loop
    if [ -x "$loop" ]; then
        echo "== the first block of $loop, as guest code, optimized IR and x86-64 code from the JIT"
        "$polyvm" -d in_asm,ir_opt,out_asm user "$loop" 1 2>&1 | awk '/^IN:/ { n++ } n == 1'
        echo
    fi
    echo "== translation statistics of the xz run (--stats)"
    "$polyvm" --stats user -L "$sysroot" "$POLYVM_RV64_XZ" -t "$work/data.xz"
}

"${mode}_demo"
