#!/bin/sh
# Runs inside the riscv64 guest booted by test-boot.py: the kit's /init calls
# it through polyvm.script="sh /etc/polyvm/guest-checks.sh PHASE ...". It
# prints what it finds as "boot-test: KEY VALUE" lines and judges nothing
# itself: the host reads the console and asserts, so a failure shows the
# value the guest really saw.
#
#   guest-checks.sh write PORT DISK-TOKEN   first boot: identity, cpuinfo,
#       hwrng, HTTP fetch from the host, and an ext2 file system made on
#       /dev/vda, written, remounted and read back
#   guest-checks.sh read                    second boot (two harts, the disk
#       read-only): the hart count, the disk read back, and a raw write to it
#       that the device must refuse
#
# busybox sh; the kit's initramfs has no ext4 module, so test-boot.py appends
# one (ext4 also mounts ext2) to the kit's initramfs.

mnt=/mnt/disk
say() { echo "boot-test: $*"; }

# Prints the token file and a checksum of the bulk file on the mounted disk.
show_disk() {
    say "disk-token $(cat $mnt/token.txt)"
    say "disk-sum $(md5sum <$mnt/bulk.bin | cut -d' ' -f1)"
}

mount_disk() {
    mkdir -p $mnt
    mount -t ext2 "$@" /dev/vda $mnt || say "disk-error mount /dev/vda failed"
}

phase=$1
say "phase $phase"
case $phase in
write)
    port=$2 token=$3
    say "uname-m $(uname -m)"
    # "isa : rv64..." and "mmu : sv57": the hart as the kernel sees it
    grep -E '^(isa|mmu)[[:space:]]' /proc/cpuinfo | sed 's/[[:space:]]*:[[:space:]]*/ /; s/^/boot-test: cpuinfo-/'
    grep -q 'ext2' /proc/filesystems && say "fs ext2 available"

    if [ -c /dev/hwrng ]; then
        # 32 bytes as one line of 64 hex digits
        say "hwrng $(dd if=/dev/hwrng bs=32 count=1 iflag=fullblock 2>/dev/null | od -An -v -tx1 | tr -d ' \n')"
    else
        say "hwrng-missing"
    fi

    say "wget $(wget -q -T 10 -O - "http://10.0.2.2:$port/token.txt")"

    if [ -b /dev/vda ]; then
        mke2fs -q /dev/vda >/dev/null || say "disk-error mke2fs failed"
        mount_disk
        echo "$token" >$mnt/token.txt
        # 256 KiB across many blocks, checked by sum in both boots
        dd if=/dev/urandom of=$mnt/bulk.bin bs=4096 count=64 2>/dev/null
        sync
        umount $mnt || say "disk-error umount failed"
        mount_disk
        show_disk
        umount $mnt
    else
        say "disk-error no /dev/vda"
    fi
    ;;
read)
    say "nproc $(nproc)"
    mount_disk -o ro
    show_disk
    umount $mnt
    if dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=notrunc 2>/dev/null; then
        say "raw-write allowed"
    else
        say "raw-write refused"
    fi
    ;;
*)
    say "unknown phase '$phase'"
    ;;
esac
say "done"
