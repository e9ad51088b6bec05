#!/usr/bin/env python3
"""test-boot.py - boot Debian's riscv64 kernel under 'polyvm system' and check
the guest's devices from inside the guest.

  test-boot.py PATH-TO-POLYVM

Uses the guest kit (scripts/guest-kit; $POLYVM_CACHE/riscv64/kit.env, else
~/.cache/polyvm): its kernel, its initramfs, plus an overlay archive built
here with scripts/mkinitramfs that adds the ext4 module (the kit's initramfs
has none and Debian builds no disk file system into the kernel) and
guest-checks.sh. Three boots; the first two share one raw disk image:

  1. uname -m, /proc/cpuinfo, /dev/hwrng, DHCP and an HTTP fetch from a server
     on the host's loopback through slirp (10.0.2.2), and an ext2 file system
     made, written, remounted and read back on the virtio disk; power-off.
  2. two harts, the same disk read-only: the data must survive the power-off,
     and a raw write must be refused and leave the image file unchanged.
  3. the guest reboots under -no-reboot: polyvm ends with status 0.

Boots 1 and 2 must end with the guest's power-off and exit status 0. The guest
prints "boot-test: KEY VALUE" lines; all judging happens here. POLYVM_ENGINE
picks the engine, BOOT_TEST_TIMEOUT the budget in seconds for all boots
(default 120). Exit 77 (skip) when the kit is missing.
"""
import functools
import http.server
import hashlib
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
MKINITRAMFS = os.path.join(HERE, "..", "..", "scripts", "mkinitramfs")
GUEST_SCRIPT = os.path.join(HERE, "guest-checks.sh")
GUEST_SCRIPT_DEST = "/etc/polyvm/guest-checks.sh"
# The kit's initramfs loads these (scripts/guest-kit); the overlay's module
# list replaces its list, so it names them again, plus ext4 and the crc32c
# driver ext4 asks the crypto API for.
MODULES = ["virtio_mmio", "virtio_blk", "virtio_net", "virtio_rng", "crc32c_generic", "ext4"]
DISK_SIZE = 32 << 20
TAIL_LINES = 40


class CheckFailed(Exception):
    pass


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def read_kit():
    cache = os.environ.get("POLYVM_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "polyvm")
    path = os.path.join(cache, "riscv64", "kit.env")
    kit = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    key, _, value = line.strip().partition("=")
                    kit[key] = shlex.split(value)[0] if value else ""
    except FileNotFoundError:
        skip(f"{path} missing: run scripts/guest-kit to fetch the riscv64 guest kit")
    for key in ("POLYVM_RV64_KERNEL", "POLYVM_RV64_INITRD", "POLYVM_RV64_KERNEL_MODULES"):
        if not kit.get(key) or not os.path.exists(kit[key]):
            skip(f"{path}: {key} missing or not on disk ({kit.get(key)!r}): run scripts/guest-kit")
    return kit


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one directory; records request paths instead of logging them."""
    requests = []

    def log_message(self, fmt, *args):
        QuietHandler.requests.append(self.path)


def start_http_server(directory):
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_initrd(kit, tmp):
    overlay = os.path.join(tmp, "overlay.cpio.gz")
    cmd = [sys.executable, MKINITRAMFS, "-o", overlay, "--modules-dir", kit["POLYVM_RV64_KERNEL_MODULES"],
           "--file", f"{GUEST_SCRIPT}:{GUEST_SCRIPT_DEST}:0755"]
    for m in MODULES:
        cmd += ["--module", m]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise CheckFailed(f"mkinitramfs failed:\n{r.stdout}")
    # The kernel unpacks concatenated archives in order; later files win.
    initrd = os.path.join(tmp, "initrd.cpio.gz")
    with open(initrd, "wb") as out:
        for part in (kit["POLYVM_RV64_INITRD"], overlay):
            with open(part, "rb") as f:
                out.write(f.read())
    return initrd


def boot(name, polyvm, kit, initrd, script, devices, deadline, log_path):
    """Runs one boot; returns (console lines, exit status, seconds)."""
    append = f'console=ttyS0 polyvm.script="{script}"'
    if "-nic" in devices and "none" in devices:
        append += " polyvm.net=0"
    cmd = [polyvm]
    engine = os.environ.get("POLYVM_ENGINE")
    if engine:
        cmd += ["--engine", engine]
    cmd += ["system", "-M", "virt", "-m", "512M", "-kernel", kit["POLYVM_RV64_KERNEL"],
            "-initrd", initrd, "-append", append] + devices
    print(f"[{name}] {shlex.join(cmd)}", flush=True)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        proc.kill()

    timer = threading.Timer(max(deadline - time.monotonic(), 1), kill)
    timer.start()
    lines = []
    with open(log_path, "w") as log:
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n").replace("\r", "")
            lines.append(line)
            log.write(line + "\n")
    status = proc.wait()
    timer.cancel()
    elapsed = time.monotonic() - start
    seen = [m for m in ("polyvm-init: started", "polyvm-init: ready") if any(m in l for l in lines)]
    print(f"[{name}] exit status {status} after {elapsed:.1f}s; saw {seen}", flush=True)
    for line in lines:
        if "polyvm-init: " in line or "boot-test: " in line:
            print(f"  guest| {line}")
    if timed_out.is_set():
        raise CheckFailed(f"{name}: no power-off within the budget (killed after {elapsed:.1f}s)", lines)
    return lines, status, elapsed


def results(lines):
    """KEY -> list of VALUE from the guest's "boot-test: KEY VALUE" lines."""
    found = {}
    for line in lines:
        _, sep, rest = line.partition("boot-test: ")
        if sep:
            key, _, value = rest.partition(" ")
            found.setdefault(key, []).append(value.strip())
    return found


def expect(cond, what, lines):
    if not cond:
        raise CheckFailed(what, lines)
    print(f"  ok: {what}", flush=True)


def one(found, key, lines):
    values = found.get(key)
    if not values:
        raise CheckFailed(f"the guest printed no 'boot-test: {key}' line", lines)
    return values[0]


def check_common(name, lines, status):
    found = results(lines)
    for err in found.get("disk-error", []):
        raise CheckFailed(f"{name}: guest disk step failed: {err}", lines)
    expect(status == 0, f"{name}: polyvm exit status 0 after power-off (got {status})", lines)
    expect(not any("Sanitizer" in l or "runtime error:" in l for l in lines),
           f"{name}: no sanitizer report", lines)
    expect("done" in found, f"{name}: guest-checks.sh ran to the end", lines)
    expect(any("polyvm-init: script exited with status 0" in l for l in lines),
           f"{name}: guest script exited with status 0", lines)
    expect(any("reboot: Power down" in l for l in lines), f"{name}: the kernel powered down", lines)
    return found


def run(polyvm):
    kit = read_kit()
    budget = float(os.environ.get("BOOT_TEST_TIMEOUT", "120"))
    total_start = time.monotonic()
    deadline = total_start + budget
    with tempfile.TemporaryDirectory(prefix="polyvm-boot-") as tmp:
        web = os.path.join(tmp, "www")
        os.mkdir(web)
        http_token = "http-" + secrets.token_hex(16)
        with open(os.path.join(web, "token.txt"), "w") as f:
            f.write(http_token + "\n")
        disk_token = "disk-" + secrets.token_hex(16)
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(DISK_SIZE)
        initrd = build_initrd(kit, tmp)
        server = start_http_server(web)
        port = server.server_address[1]
        try:
            # Boot 1: everything, with the explicit -netdev/-device spelling.
            lines, status, t1 = boot(
                "boot1", polyvm, kit, initrd, f"sh {GUEST_SCRIPT_DEST} write {port} {disk_token}",
                ["-drive", f"file={disk},format=raw,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
                 "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                 "-device", "virtio-rng-device"],
                deadline, os.path.join(tmp, "boot1.log"))
            found = check_common("boot1", lines, status)
            expect(one(found, "uname-m", lines) == "riscv64", "uname -m prints riscv64", lines)
            isa, mmu = one(found, "cpuinfo-isa", lines), one(found, "cpuinfo-mmu", lines)
            expect(isa.startswith("rv64"), f"/proc/cpuinfo isa {isa!r} starts with rv64", lines)
            expect(mmu.startswith("sv"), f"/proc/cpuinfo mmu {mmu!r} starts with sv", lines)
            rng = one(found, "hwrng", lines)
            expect(len(rng) == 64 and all(c in "0123456789abcdef" for c in rng),
                   f"/dev/hwrng gave 32 bytes ({rng})", lines)
            expect(int(rng, 16) != 0, "the 32 /dev/hwrng bytes are not all zero", lines)
            expect(any("polyvm-init: eth0 10.0.2.15/24" in l for l in lines),
                   "DHCP gave eth0 10.0.2.15/24", lines)
            expect(one(found, "wget", lines) == http_token,
                   f"wget http://10.0.2.2:{port}/token.txt returned the host's token", lines)
            expect("/token.txt" in QuietHandler.requests, "the host server saw the guest's request", lines)
            expect(one(found, "disk-token", lines) == disk_token,
                   "the token written to ext2 on /dev/vda reads back after umount/mount", lines)
            disk_sum = one(found, "disk-sum", lines)
            with open(disk, "rb") as f:
                on_host = disk_token.encode() in f.read()
            expect(on_host, "the token reached the host's disk image file", lines)

            # Boot 2: two harts, no network, the -drive shorthand, the disk
            # read-only: it must read back and refuse a raw write.
            with open(disk, "rb") as f:
                disk_before = hashlib.sha256(f.read()).hexdigest()
            lines, status, t2 = boot("boot2", polyvm, kit, initrd, f"sh {GUEST_SCRIPT_DEST} read",
                                     ["-smp", "2", "-drive", f"file={disk},format=raw,readonly=on",
                                      "-nic", "none"],
                                     deadline, os.path.join(tmp, "boot2.log"))
            found = check_common("boot2", lines, status)
            expect(one(found, "nproc", lines) == "2", "-smp 2: the guest runs on two harts", lines)
            expect(one(found, "raw-write", lines) == "refused", "readonly=on: a raw write to /dev/vda fails", lines)
            with open(disk, "rb") as f:
                expect(hashlib.sha256(f.read()).hexdigest() == disk_before,
                       "readonly=on: the image file is unchanged", lines)
            expect(one(found, "disk-token", lines) == disk_token,
                   "the token file survives the power-off (second boot)", lines)
            expect(one(found, "disk-sum", lines) == disk_sum,
                   f"the 256 KiB file's md5 ({disk_sum}) survives the power-off", lines)

            # Boot 3: the guest reboots; with -no-reboot that ends polyvm
            # with status 0 after a single boot, as QEMU does.
            lines, status, t3 = boot("boot3", polyvm, kit, initrd, "reboot -f", ["-nic", "none", "-no-reboot"],
                                     deadline, os.path.join(tmp, "boot3.log"))
            expect(status == 0, f"boot3: -no-reboot exits 0 when the guest reboots (got {status})", lines)
            expect(sum("Run /init as init process" in l for l in lines) == 1,
                   "boot3: the guest booted once", lines)
            expect(any("reboot: Restarting system" in l for l in lines), "boot3: the kernel restarted", lines)
        finally:
            server.shutdown()
    total = time.monotonic() - total_start
    print(f"PASS: boot1 {t1:.1f}s, boot2 {t2:.1f}s, boot3 {t3:.1f}s, total {total:.1f}s "
          f"(engine {os.environ.get('POLYVM_ENGINE') or 'default'}, budget {budget:.0f}s)")


def main():
    if len(sys.argv) != 2:
        print("usage: test-boot.py PATH-TO-POLYVM", file=sys.stderr)
        return 2
    try:
        run(sys.argv[1])
    except CheckFailed as e:
        what = e.args[0]
        lines = e.args[1] if len(e.args) > 1 else []
        if lines:
            print(f"--- last {TAIL_LINES} console lines ---")
            for line in lines[-TAIL_LINES:]:
                print("    " + line)
        print(f"FAIL: {what}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
