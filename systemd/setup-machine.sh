#!/bin/sh
# Make this Debian machine a hall machine of the given roles, from the checkout in /opt/bangban
# (after its ./install.sh):
#
#   sudo /opt/bangban/systemd/setup-machine.sh server              # the central server
#   sudo /opt/bangban/systemd/setup-machine.sh hall-server         # a hall's own server (README: Hall servers)
#   sudo /opt/bangban/systemd/setup-machine.sh kiosk               # a citizen kiosk
#   sudo /opt/bangban/systemd/setup-machine.sh display window:3,4 pad:3,4
#
# It creates the bangban user in the device groups (sysusers.d), /etc/bangban (tmpfiles.d), installs
# the units and udev rules, copies each role's example configuration to /etc/bangban unless one is
# there, and enables the units. It never overwrites a configuration or a token file.
# --root DIR does all of it inside DIR (an image being prepared, or a test) without touching this machine.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=/
ENABLE=yes
usage() { echo "usage: $0 [--root DIR] [--no-enable] ROLE... (server hall-server kiosk display window:N,.. pad:N,..)" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT=$2; shift 2 ;;
        --no-enable) ENABLE=no; shift ;;
        -h|--help) usage ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || usage

units=""
configs=""
for role in "$@"; do
    name=${role%%:*}
    numbers=$(echo "${role#*:}" | tr ',' ' ')
    [ "$numbers" = "$role" ] && numbers=""
    case "$name" in
        server|kiosk|display)
            [ -z "$numbers" ] || { echo "$name takes no window numbers" >&2; exit 2; }
            units="$units bangban-$name.service"; configs="$configs $name" ;;
        hall-server)  # the same server, told in server.toml where its centre is
            units="$units bangban-server.service"; configs="$configs server"
            hall_server=yes ;;
        window|pad)
            [ -n "$numbers" ] || { echo "$name needs window numbers, e.g. $name:3,4" >&2; exit 2; }
            for n in $numbers; do
                case "$n" in ''|*[!0-9]*) echo "not a window number: $n" >&2; exit 2 ;; esac
                units="$units bangban-$name@$n.service"
            done
            configs="$configs $name" ;;
        *) echo "unknown role: $name" >&2; usage ;;
    esac
done

install -d "$ROOT/etc" "$ROOT/usr/lib/sysusers.d" "$ROOT/usr/lib/tmpfiles.d" "$ROOT/etc/systemd/system" \
    "$ROOT/etc/udev/rules.d"
install -m 0644 "$HERE/sysusers.d/bangban.conf" "$ROOT/usr/lib/sysusers.d/bangban.conf"
install -m 0644 "$HERE/tmpfiles.d/bangban.conf" "$ROOT/usr/lib/tmpfiles.d/bangban.conf"
systemd-sysusers --root="$ROOT" bangban.conf
systemd-tmpfiles --root="$ROOT" --create bangban.conf
install -m 0644 "$HERE"/*.service "$ROOT/etc/systemd/system/"
install -m 0644 "$HERE/99-bangban.rules" "$ROOT/etc/udev/rules.d/99-bangban.rules"

for name in $configs; do
    target="$ROOT/etc/bangban/$name.toml"
    if [ -e "$target" ]; then
        echo "kept $target"
    else
        install -m 0640 "$HERE/config/$name.toml" "$target"
        chgrp bangban "$target" 2>/dev/null || chgrp "$(grep '^bangban:' "$ROOT/etc/group" | cut -d: -f3)" "$target"
        echo "wrote $target: edit it, then check it with: bangban check-config $name $target"
    fi
done

if [ "$ENABLE" = yes ]; then
    if [ "$ROOT" = / ]; then
        systemctl daemon-reload
        udevadm control --reload && udevadm trigger --subsystem-match=tty --subsystem-match=video4linux \
            --subsystem-match=usb || true
    fi
    # shellcheck disable=SC2086 # the unit names are words
    systemctl --root="$ROOT" enable $units
fi
echo "done: $units"
if [ "${hall_server:-}" = yes ]; then
    echo "hall server: set central_url, hall_code and hall_node in /etc/bangban/server.toml, and put"
    echo "BANGBAN_CENTRAL_TOKEN=... (from 'bangban device add --kind hall_server --hall CODE' at the centre)"
    echo "in /etc/bangban/server.env, mode 0640"
fi
echo "device tokens go in /etc/bangban/ROLE.env (windowN.env, padN.env) as BANGBAN_TOKEN=..., mode 0640"
