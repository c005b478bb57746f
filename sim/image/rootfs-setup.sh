#!/usr/bin/env bash
# Turn a debootstrapped tree into a bootable container host: systemd as PID 1 inside Docker.
set -euo pipefail
root=$1

# A fresh machine-id per container: systemd writes one at first boot when the file is empty.
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

cat > "$root/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
SRC
# Dates on snapshot mirrors are old: apt must not refuse them.
cat > "$root/etc/apt/apt.conf.d/99npuops-sim" <<'CONF'
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
APT::Install-Recommends "false";
CONF

# Units that need real hardware or a console only fail or hang inside a container.
for unit in getty@tty1.service serial-getty@.service systemd-udevd.service systemd-udev-trigger.service \
            systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount \
            systemd-remount-fs.service systemd-firstboot.service console-getty.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"

# A container shares the kernel's boot_id, so ansible.builtin.reboot would wait forever for it to change.
# Give every boot of the container (a reboot restarts it under its restart policy) an id of its own.
cat > "$root/etc/systemd/system/npuops-sim-boot-id.service" <<'UNIT'
[Unit]
Description=Per-boot id for a simulated host
DefaultDependencies=no
Before=sysinit.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'cat /proc/sys/kernel/random/uuid > /run/npuops-sim-boot-id && mount --bind /run/npuops-sim-boot-id /proc/sys/kernel/random/boot_id'

[Install]
WantedBy=sysinit.target
UNIT
mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
ln -sf ../npuops-sim-boot-id.service "$root/etc/systemd/system/sysinit.target.wants/npuops-sim-boot-id.service"

# Package lists stay, as on an installed server; downloaded .debs go.
rm -rf "$root/var/cache/apt/archives/"*.deb
