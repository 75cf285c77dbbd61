#!/bin/bash
# Post config: a summary of what this node went through.
python3 - <<'PY'
import json, os
harness = os.environ["HARNESS_DIR"]
os.makedirs(os.path.join(harness, "steps"), exist_ok=True)
steps = sorted(f for f in os.listdir(os.path.join(harness, "steps")) if f.endswith(".json"))
summary = {"hostname": os.environ["HARNESS_HOSTNAME"], "role": os.environ["HARNESS_ROLE"],
           "steps": [s[:-5] for s in steps],
           "waves": sorted(f[:-5] for f in os.listdir(os.path.join(harness, "waves")))}
with open(os.path.join(harness, "post-config.json"), "w") as out:
    json.dump(summary, out, indent=1)
print(json.dumps(summary))
PY
