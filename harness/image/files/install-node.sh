#!/bin/bash
# Runs INSIDE a container of the base image, with no network. /mnt (read-only; empty in the
# base image, so the mount leaves nothing behind) holds the wheelhouse, the heat-agents source
# tree and these files. Paths follow RDO's packages (openstack-heat-agents.spec,
# os-collect-config.spec).
set -euo pipefail

BUILD=/mnt
FILES=$BUILD/files
ELEMENTS=$BUILD/heat-agents
VENV=/opt/heat-agents
LOGIN_USER=stack

# --- en_US.UTF-8, as an RDO node has it (see recipe.BASE_PACKAGES for why the agent needs it)
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
locale-gen

# --- the agents: a venv from the wheelhouse, entry points on the PATH systemd gives units
python3 -m venv "$VENV"
"$VENV/bin/pip" install --no-index --no-cache-dir --disable-pip-version-check \
    --find-links "$BUILD/wheels" -r "$BUILD/requirements.txt"
for tool in os-collect-config os-refresh-config os-apply-config os-config-applier dib-run-parts; do
    test -x "$VENV/bin/$tool" || { echo "missing entry point $tool in the venv" >&2; exit 1; }
    ln -sf "$VENV/bin/$tool" "/usr/bin/$tool"
done
# What was resolved (the pins fix only the agents themselves), for whoever debugs a node.
"$VENV/bin/pip" freeze --disable-pip-version-check > "$VENV/pip-freeze.txt"

# --- heat-agents elements, with python shebangs pointed at the venv (it holds their imports)
install_element() {  # mode source destination
    install -D -o root -g root -m "$1" "$ELEMENTS/$2" "$3"
    if head -1 "$3" | grep -q '^#!/usr/bin/env python'; then
        sed -i "1s|.*|#!$VENV/bin/python3|" "$3"
    fi
}
ORC=/usr/libexec/os-refresh-config
OAC=/usr/libexec/os-apply-config/templates
HOOKS=/usr/libexec/heat-config/hooks
install_element 755 heat-config/os-refresh-config/configure.d/20-os-apply-config $ORC/configure.d/20-os-apply-config
install_element 755 heat-config/os-refresh-config/configure.d/55-heat-config $ORC/configure.d/55-heat-config
install_element 600 heat-config/os-apply-config/etc/os-collect-config.conf $OAC/etc/os-collect-config.conf
install_element 600 heat-config/os-apply-config/var/run/heat-config/heat-config $OAC/var/run/heat-config/heat-config
install_element 755 heat-config/bin/heat-config-notify /usr/bin/heat-config-notify
install_element 755 heat-config/bin/heat-config-rebuild-deployed /usr/bin/heat-config-rebuild-deployed
# Hooks that need nothing beyond Python (puppet, ansible, docker-cmd need their tools).
for hook in script apply-config hiera json-file; do
    install_element 755 "heat-config-$hook/install.d/hook-$hook.py" "$HOOKS/$hook"
done
install -d -m 755 $ORC/pre-configure.d $ORC/post-configure.d $ORC/migration.d \
    /var/lib/os-collect-config /var/lib/os-apply-config /var/lib/heat-config/deployed

# --- the agent's service and configuration, installed but not enabled
install -D -m 644 "$FILES/os-collect-config.service" /usr/lib/systemd/system/os-collect-config.service
install -D -m 644 "$FILES/os-collect-config.conf" /etc/os-collect-config.conf

# --- sshd: per-node host keys at first boot, per-run authorized keys mounted by the backend
install -D -m 644 "$FILES/ssh-host-keys.service" /usr/lib/systemd/system/ssh-host-keys.service
install -D -m 644 "$FILES/sshd-tripleo-harness.conf" /etc/ssh/sshd_config.d/tripleo-harness.conf
install -d -m 755 /etc/ssh/authorized_keys
rm -f /etc/ssh/ssh_host_*
# pam_loginuid cannot write /proc/self/loginuid without CAP_AUDIT_CONTROL: optional, not fatal.
sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/sshd
systemctl enable ssh.service ssh-host-keys.service

# --- the login user: passwordless sudo, no password, no baked-in key
useradd --create-home --shell /bin/bash "$LOGIN_USER"
usermod --password '*' "$LOGIN_USER"
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$LOGIN_USER" > "/etc/sudoers.d/$LOGIN_USER"
chmod 440 "/etc/sudoers.d/$LOGIN_USER"
visudo -c -q

# --- systemd as PID 1 in a container
grep -v '^\s*\(#\|$\)' "$FILES/masked-units.conf" | xargs systemctl mask
systemctl set-default multi-user.target

# --- no per-machine identity or caches in the image
: > /etc/machine-id
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /root/.cache
