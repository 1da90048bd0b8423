#!/usr/bin/env bash
# Debian packages some tests use to look at outputs as a person would:
# headless Chromium (the HTML report), pdftoppm (PDF pages to PNG) and
# LibreOffice Calc (the spreadsheet template). Installed only where missing,
# only as root with apt-get; elsewhere the tests that need them are skipped
# and say why.
set -uo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: missing ${need[*]}; the tests that need them will be skipped" >&2
    exit 0
fi
echo "installing ${need[*]} (Debian packages, for the rendering tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || echo "note: could not install ${need[*]}; the tests that need them will be skipped" >&2
exit 0
