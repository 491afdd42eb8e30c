#!/usr/bin/env bash
# The official MCP Python client for the MCP end-to-end test: a venv with the `mcp` package from
# PyPI, made once under $AK_MCP_DIR (default ~/.cache/autokaggle-mcp). Prints the venv's python.
set -euo pipefail
dir="${AK_MCP_DIR:-$HOME/.cache/autokaggle-mcp}"
if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import mcp" 2>/dev/null; then
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install -q "mcp==2.3.0" >&2
fi
echo "$dir/bin/python"
