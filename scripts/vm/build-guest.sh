#!/usr/bin/env bash
# Prepares what the test VM boots: the Debian guest kernel as an uncompressed ELF (qemu enters it
# through PVH, which skips ~12 s of decompression under TCG) and a tiny initramfs (busybox plus
# the modules that mount the host's / over virtio-9p). Output: DIR/vmlinux, DIR/initramfs.cpio.gz.
# Usage: build-guest.sh DIR   (the kernel is the newest /boot/vmlinuz-*-amd64, or KVER=...)
set -euo pipefail
out=${1:?usage: build-guest.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
kver=${KVER:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -1)}
fail() { echo "build-guest: $*" >&2; exit 1; }
[ -n "$kver" ] || fail "no guest kernel in /boot: apt-get install linux-image-amd64"
[ -d "/lib/modules/$kver" ] || fail "no /lib/modules/$kver for the guest kernel"
command -v busybox >/dev/null && busybox --list | grep -x insmod >/dev/null || fail "busybox-static is needed: apt-get install busybox-static"
mkdir -p "$out"

# Rebuild only when the kernel, the init script or this script changed.
stamp="$kver $(cat "$here/guest-init.sh" "$here/build-guest.sh" | sha1sum | cut -c1-40)"
if [ -f "$out/vmlinux" ] && [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

# vmlinuz = setup code + a compressed ELF; Debian's 6.1 compresses with xz. Find the stream and
# decompress it (xz stops at the end of the stream; what trails it is padding).
vmlinuz=/boot/vmlinuz-$kver
off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1 || true)
[ -n "$off" ] || fail "$vmlinuz holds no xz stream (other compression?)"
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc --single-stream > "$out/vmlinux.tmp" 2>/dev/null || true
head -c 4 "$out/vmlinux.tmp" | grep -q 'ELF' || fail "decompressing $vmlinuz did not give an ELF"
mv "$out/vmlinux.tmp" "$out/vmlinux"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,host,results,ovl,newroot,modules}
cp "$(command -v busybox)" "$root/bin/busybox"
for app in sh mount umount mkdir insmod chroot poweroff cat echo sleep; do ln -s busybox "$root/bin/$app"; done
# The modules in dependency order, once each.
: > "$root/modules/order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
  modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
  cp "$ko" "$root/modules/"
  basename "$ko" >> "$root/modules/order"
done
# The kernel's own module requests (see guest-init.sh), for what the tests use only: crypto
# templates, xfrm types, link kinds and netlink protocols. Anything else (libpcap's probing pulls
# in bluetooth, whose load under TCG stalls dumpcap and rtnl for a long while) is refused.
cat > "$root/bin/modprobe-newroot" <<'WRAP'
#!/bin/sh
for name; do :; done
case "$name" in
  crypto-*|xfrm-*|rtnl-link-*|net-pf-16-proto-*) exec /bin/chroot /newroot /sbin/modprobe "$@" ;;
esac
exit 1
WRAP
chmod +x "$root/bin/modprobe-newroot"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/initramfs.cpio.gz"
echo "$stamp" > "$out/stamp"
echo "build-guest: kernel $kver, $(wc -l < "$root/modules/order") modules in the initramfs"
