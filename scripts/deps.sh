#!/usr/bin/env bash
# deps.sh - install the Debian packages polyvm needs to build and test.
#
# Meant for a fresh Debian 12 (bookworm) host. It asks dpkg which packages are
# missing and only then runs apt-get update/install, so a second run is a quiet
# no-op. Without root it prints the apt-get command to run and fails, rather
# than half-working. Guest material (kernels, guest libc, busybox) is not
# installed here: scripts/guest-kit fetches it into a cache outside the repo.
#
#   scripts/deps.sh           install whatever is missing (as root)
#   scripts/deps.sh --check   only report; exit 1 if something is missing
#   scripts/deps.sh --list    print the package list
set -euo pipefail

# The one list of host packages; keep in step with ARCHITECTURE.md section 4.
PACKAGES=(
    # build (clang's sanitizer runtimes are only recommended by clang, and
    # packages are installed without recommends)
    build-essential meson ninja-build pkg-config gcc clang libclang-rt-dev
    # libraries linked into polyvm or its tests
    libcmocka-dev libunicorn-dev libcapstone-dev libelf-dev libfdt-dev
    # system mode: user networking for virtio-net, gzip-compressed kernel images
    libslirp-dev libglib2.0-dev zlib1g-dev
    # device trees
    device-tree-compiler
    # guest test programs (the riscv64 libc only comes recommended) and reference emulators
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user qemu-system-misc
    # make bench: host builds of the Debian programs it times (xz-utils below)
    coreutils sqlite3
    # scripts
    python3
    # scripts/guest-kit: TLS roots, archive keys and checking them, .deb payloads, cache lock
    ca-certificates debian-archive-keyring gpg xz-utils zstd util-linux
)

usage() {
    cat <<'EOF'
Usage: scripts/deps.sh [--check | --list | --help]

Installs the Debian packages polyvm needs for building and testing, but only
those not installed yet (checked with dpkg-query). Must run as root when
something is missing; otherwise it prints the apt-get command and exits 1.

  --check   report missing packages and exit 1 if any, install nothing
  --list    print the package list, one per line
  --help    this text
EOF
}

say() { printf 'deps.sh: %s\n' "$*" >&2; }

is_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        is_installed "$pkg" || printf '%s\n' "$pkg"
    done
}

main() {
    local mode=install
    case "${1:-}" in
        "") ;;
        --check) mode=check ;;
        --list) printf '%s\n' "${PACKAGES[@]}"; return 0 ;;
        -h|--help) usage; return 0 ;;
        *) usage >&2; return 2 ;;
    esac
    [[ $# -le 1 ]] || { usage >&2; return 2; }

    command -v dpkg-query >/dev/null || { say "dpkg-query not found: this script is for Debian hosts"; return 1; }

    local missing
    mapfile -t missing < <(missing_packages)
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
    say "missing: ${missing[*]}"
    if [[ $mode == check ]]; then
        return 1
    fi
    if [[ $EUID -ne 0 ]]; then
        say "not root; run this as root:"
        printf 'apt-get update && %s\n' "$install_cmd" >&2
        return 1
    fi

    say "running apt-get update"
    apt-get update -q >&2
    say "installing ${#missing[@]} package(s)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2

    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -ne 0 ]]; then
        say "still missing after install: ${missing[*]}"
        return 1
    fi
    say "done"
}

main "$@"
