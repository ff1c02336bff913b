#!/usr/bin/env bash
# Real audio paths for the tests on a machine with no sound card: installs PulseAudio (with the ALSA
# plugin, so Java Sound sees it), espeak-ng, sox and the libraries WebRTC's native code needs, and starts
# a PulseAudio daemon whose default sink is a null sink (its monitor is the default source), and a second
# null sink for a session's speaker. The echo-path tests add a loopback between the two themselves.
# Prints the PULSE_SERVER to use.
# norewinds=1 matters: without it the null sink's clock is rewound and playback runs ~1.7x slow.
set -euo pipefail

runtime="${RTVOICE_PULSE_DIR:-${TMPDIR:-/tmp}/rtvoice-pulse}"
server="unix:$runtime/pulse/native"

need=()
for tool in pulseaudio pactl espeak-ng sox; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
dpkg -s libasound2-plugins >/dev/null 2>&1 || need+=(libasound2-plugins)
# What WebRTC's native library (rtvoice-audio-webrtc: echo cancellation, VAD) links against besides libc.
webrtc_libs=(libpulse0 libx11-6 libx11-xcb1 libxext6 libxfixes3 libxrandr2 libxrender1 libxcomposite1 libudev1 libdbus-1-3)
for lib in "${webrtc_libs[@]}"; do
    dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
done
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "audio-setup: installing PulseAudio, the ALSA pulse plugin, espeak-ng and sox (missing: ${need[*]})" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        pulseaudio pulseaudio-utils libasound2-plugins alsa-utils espeak-ng sox "${webrtc_libs[@]}" >&2
fi

if PULSE_SERVER="$server" pactl info >/dev/null 2>&1; then
    echo "audio-setup: PulseAudio already running at $server" >&2
else
    mkdir -p "$runtime"
    chmod 700 "$runtime"
    cat > "$runtime/null.pa" <<'PA'
load-module module-native-protocol-unix
load-module module-null-sink sink_name=rtvoice_null rate=48000 channels=2 norewinds=1 sink_properties=device.description=rtvoice-null-sink
set-default-sink rtvoice_null
set-default-source rtvoice_null.monitor
PA
    XDG_RUNTIME_DIR="$runtime" pulseaudio -D -n -F "$runtime/null.pa" --exit-idle-time=-1 \
        --log-target="file:$runtime/pulse.log" >&2 2>/dev/null || true
    for _ in $(seq 1 50); do
        PULSE_SERVER="$server" pactl info >/dev/null 2>&1 && break
        sleep 0.1   # waiting for a daemon to come up, outside the tests
    done
    PULSE_SERVER="$server" pactl info >/dev/null || { cat "$runtime/pulse.log" >&2; exit 1; }
    echo "audio-setup: PulseAudio null sink running at $server" >&2
fi
# A second null sink, rtvoice_speaker: a voice session plays its answers there while its microphone
# listens to the default sink's monitor, so the answer does not echo back into the microphone.
if ! grep -q rtvoice_speaker <<<"$(PULSE_SERVER="$server" pactl list short sinks)"; then
    PULSE_SERVER="$server" pactl load-module module-null-sink sink_name=rtvoice_speaker rate=48000 channels=2 \
        norewinds=1 sink_properties=device.description=rtvoice-speaker >/dev/null
fi
echo "$server"
