#!/usr/bin/env bash
# The interop tests' SDKs, at their pinned versions: OpenAI's Python SDK in a virtual environment at
# interop/.venv (from interop/python/requirements.txt) and OpenAI's Node SDK in interop/node/node_modules
# (npm ci from interop/node/package-lock.json, which holds integrity hashes and no registry address).
# Installs python3 with venv, node and npm from the distribution when they are missing. Both package
# managers use whatever registry this machine is configured for. Idempotent; ~15 s when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "interop-setup: installing ${need[*]}" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

# openai 7.x declares node >= 22; it runs the interop flows on node 20 (tested: 20.20). Older is refused here.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    echo "interop-setup: node $(node --version) is too old for the pinned Node SDK (need 20 or newer)" >&2
    exit 1
fi

if [ ! -x interop/.venv/bin/python3 ]; then
    python3 -m venv interop/.venv
fi
interop/.venv/bin/python3 -m pip install --disable-pip-version-check --no-input -q -r interop/python/requirements.txt >&2

(cd interop/node && npm ci --no-audit --no-fund --loglevel=error >&2)

echo "interop-setup: $(interop/.venv/bin/python3 -c 'import openai, sys; print(f"python {sys.version.split()[0]} openai {openai.__version__}")'); node $(node --version) openai $(node -p 'require("./interop/node/node_modules/openai/package.json").version')" >&2
