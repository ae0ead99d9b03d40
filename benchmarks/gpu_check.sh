# The one command for the GPU machine (device tool `run`, carry=[".whl"], timeout_s=300), from the
# repository root, after `benchmarks/gpu_wheels.txt`'s download line filled .whl/ here.  Paste the
# line below as the command (or run `bash benchmarks/gpu_check.sh`).  It ends within 4 minutes:
# the check is cut at 220 s, and the JSON it has written so far (after each check) comes back.
set -o pipefail; python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site || exit; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; PYTHONUNBUFFERED=1 timeout 220 python3 benchmarks/gpu_check.py --devices cpu,cuda --json $OUT/gpu_check.json 2>&1 | tee $OUT/gpu_check.log
