#!/usr/bin/env bash
# Qt's X11 platform plugin (a real window) needs a few system libraries that the
# PySide6 wheels do not ship. Install them with apt when they are missing; print the
# command when this user cannot. Headless tests (QT_QPA_PLATFORM=offscreen) need none.
set -u
libs=(libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-image.so.0
      libxcb-render-util.so.0 libxcb-xkb.so.1 libxkbcommon-x11.so.0 libxcb-shape.so.0
      libxcb-randr.so.0 libEGL.so.1 libfontconfig.so.1 libdbus-1.so.3)
pkgs=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libegl1 libfontconfig1 libdbus-1-3)
missing=()
for i in "${!libs[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "${libs[$i]}" || missing+=("${pkgs[$i]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Qt needs these system libraries for a window: ${missing[*]} (install them with your package manager)" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "Qt needs: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "Installing the system libraries Qt needs for a window: ${missing[*]}"
$sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
