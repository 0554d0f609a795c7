#!/usr/bin/env bash
# Sets up bangban on a Debian machine: system packages, then a virtualenv in .venv with the project.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Xvfb and GL for Kivy windows without a screen; CJK fonts (WenQuanYi for common text,
# Noto CJK for rare characters in names); espeak-ng and sox for spoken calls;
# zbar to decode receipt QR codes in tests; poppler to look at PDFs; chromium and its driver
# for the supervisor pages' browser tests; xclip for Kivy's copy and paste on X (without it every
# terminal logs a CRITICAL "Cutbuffer" traceback at start); x11-utils (xwininfo) for the demo's test
# to see where its windows are. fonts-noto-core for Noto Sans Mongolian (halls of Inner Mongolia).
# faketime runs a hall server with its clock minutes off the centre's (tests/server/test_hall_servers.py).
$SUDO apt-get install -y -qq --no-install-recommends \
    python3 python3-venv python3-dev xvfb xauth libgl1-mesa-dri libegl1 libgl1 libmtdev1 \
    fonts-wqy-microhei fonts-noto-cjk fonts-noto-core espeak-ng sox alsa-utils libzbar0 poppler-utils \
    chromium chromium-driver xclip x11-utils faketime >/dev/null
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
echo "bangban installed in $(pwd)/.venv"
