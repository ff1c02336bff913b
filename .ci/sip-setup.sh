#!/usr/bin/env bash
# A real SIP caller for the telephony tests: SIPp (Debian's sip-tester), which dials the gateway, streams
# espeak-ng speech as RTP and checks every SIP exchange of its scenario.
set -euo pipefail

if ! command -v sipp >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "sip-setup: installing sip-tester (SIPp)" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends sip-tester >&2
fi
echo "sip-setup: $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ]*' | tr -d .)" >&2
