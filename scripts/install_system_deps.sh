#!/usr/bin/env bash
# System packages the board pack needs: Node.js + npm (Evidence), Chromium (PDF, browser
# tests) and poppler-utils (the tests read the PDF's text). Idempotent: installs only what is
# missing, runs `apt-get update` at most once.
# Needs root (or sudo) only when something has to be installed.
set -euo pipefail

updated=0
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "install_system_deps: need root to install: $*" >&2
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install_system_deps: apt-get not found; install by hand: $*" >&2
        exit 1
    fi
    if [ "$updated" -eq 0 ]; then
        $sudo apt-get update -qq
        updated=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Node.js and npm (Evidence needs Node >= 18). Keep any Node already on the machine.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install_system_deps: installing ${missing[*]}"
    apt_install "${missing[@]}"
fi
node_major="$(node --version | sed -E 's/^v([0-9]+).*/\1/')"
if [ "$node_major" -lt 18 ]; then
    echo "install_system_deps: Node.js $(node --version) is too old; Evidence needs >= 18" >&2
    exit 1
fi

# Headless Chromium for the PDF and the browser tests (Debian package `chromium`).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "install_system_deps: installing chromium"
    apt_install chromium
fi

# pdftotext / pdftoppm (poppler-utils): the browser tests read the board pack PDF's text.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    echo "install_system_deps: installing poppler-utils"
    apt_install poppler-utils
fi

chromium_bin="$(command -v chromium || command -v chromium-browser)"
echo "install_system_deps: node $(node --version), npm $(npm --version 2>/dev/null)," \
    "$("$chromium_bin" --version 2>/dev/null | head -1)"
