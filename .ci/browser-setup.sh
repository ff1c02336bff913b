#!/usr/bin/env bash
# A real browser for the relay's tests: Debian's Chromium and the chromedriver built with it (the tests drive
# them through Selenium; nothing is downloaded at test time). Headless: no display is needed.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "browser-setup: installing chromium and chromium-driver" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium chromium-driver >&2
fi
echo "browser-setup: $(chromium --version 2>/dev/null | tail -1); $(chromedriver --version | head -1)" >&2
