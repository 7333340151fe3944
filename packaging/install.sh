#!/bin/sh
# Install pressure from this unpacked folder (any Linux on this processor; no root needed):
#   ./install.sh                  into ~/.local (as root: /usr/local)
#   ./install.sh --prefix DIR     into DIR/lib/pressure, DIR/bin/pressure, DIR/share/...
#   ./install.sh --uninstall      remove what install.sh put there (same --prefix)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX="${HOME:?HOME is not set}/.local"; fi
ACTION=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac
APP="$PREFIX/lib/pressure"
BIN="$PREFIX/bin/pressure"
DESKTOP="$PREFIX/share/applications/pressure.desktop"
SVG="$PREFIX/share/icons/hicolor/scalable/apps/pressure.svg"
PNG="$PREFIX/share/icons/hicolor/256x256/apps/pressure.png"

if [ "$ACTION" = uninstall ]; then
  rm -rf "$APP"
  rm -f "$BIN" "$DESKTOP" "$SVG" "$PNG"
  echo "pressure removed from $PREFIX"
  exit 0
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$(dirname "$DESKTOP")" "$(dirname "$SVG")" "$(dirname "$PNG")"
# copy beside, then swap: a failed copy leaves the installed version as it was
rm -rf "$APP.new"
cp -R "$HERE/pressure" "$APP.new"
rm -rf "$APP"
mv "$APP.new" "$APP"
ln -sf "$APP/pressure" "$BIN"
# the menu starts the program by its full path: ~/.local/bin is not on every desktop's PATH
sed "s|^Exec=pressure|Exec=\"$BIN\"|" "$HERE/share/applications/pressure.desktop" > "$DESKTOP"
cp "$HERE/share/icons/hicolor/scalable/apps/pressure.svg" "$SVG"
cp "$HERE/share/icons/hicolor/256x256/apps/pressure.png" "$PNG"
# (no update-desktop-database: the entry opens no file types, and menus watch this folder)
"$BIN" --version
echo "installed: $BIN (menu: pressure)"
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "note: $PREFIX/bin is not on your PATH; start it as $BIN" ;;
esac
