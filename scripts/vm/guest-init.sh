#!/bin/sh
# PID 1 of the test VM (busybox, from the initramfs). It mounts the host's / read-only over
# virtio-9p with a tmpfs overlay on top (so the guest runs the host's node, ip and the built
# checkout, and may write anywhere), mounts the host's results directory read-write, runs
# NLWIRE_VM_DIR/results/run.sh in the checkout $NLWIRE_REPO, records its exit status and powers off.
# NLWIRE_REPO and NLWIRE_VM_DIR come from the kernel command line (the kernel hands unknown NAME=VALUE to init).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for ko in $(cat /modules/order); do insmod "/modules/$ko" || echo "nlwire-vm: insmod $ko failed"; done
p9='trans=virtio,version=9p2000.L,msize=512000'
if ! mount -t 9p -o "$p9,cache=loose,ro" hostroot /host; then
  echo "nlwire-vm: cannot mount the host's / over 9p"; poweroff -f
fi
mount -t 9p -o "$p9" results /results || { echo "nlwire-vm: cannot mount the results share"; poweroff -f; }
mount -t tmpfs -o size=1g tmpfs /ovl
mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work /newroot ||
  { echo "nlwire-vm: overlay mount failed"; poweroff -f; }
n=/newroot
mount -t proc proc $n/proc
mount -t sysfs sys $n/sys
mount -t devtmpfs dev $n/dev
mkdir -p $n/dev/pts $n/dev/shm $n/nlwire-results
mount -t devpts devpts $n/dev/pts
mount -t tmpfs tmpfs $n/dev/shm
# A fresh /run (the host's holds its netns files and pid files). /tmp stays the overlay's (already
# writable): a tmpfs there would hide a checkout that lives under /tmp (a fresh clone in CI).
mount -t tmpfs tmpfs $n/run
mount -t cgroup2 cgroup2 $n/sys/fs/cgroup 2>/dev/null
mount --move /results $n/nlwire-results
# The kernel's own module requests (crypto-gcm, xfrm-type-2-50, ...) run /sbin/modprobe with the
# root of PID 1, which stays here: hand them to the host's modprobe inside the new root.
echo /bin/modprobe-newroot > /proc/sys/kernel/modprobe
echo "nlwire-vm: guest up"
chroot $n /bin/sh -c 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
  mkdir -p /run/netns; ip link set lo up
  cd "$NLWIRE_REPO" || { echo "nlwire-vm: the checkout $NLWIRE_REPO is not visible in the guest"; exit 97; }
  [ -f /nlwire-results/run.sh ] || { echo "nlwire-vm: /nlwire-results/run.sh is missing"; exit 98; }
  bash /nlwire-results/run.sh' > /dev/console 2>&1
echo $? > $n/nlwire-results/rc
sync
echo "nlwire-vm: guest done"
poweroff -f
