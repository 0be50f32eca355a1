#!/usr/bin/env bash
# Lints docs/examples/github-actions.yml without reaching GitHub: the workflow schema bundled in
# check-jsonschema (pinned in .ci/requirements-tools.txt), and shellcheck on every `run:` step,
# as actionlint runs it (bash, GitHub's `${{ }}` expressions replaced by a placeholder).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools=${TOOLS_VENV:-.venv-tools}
workflow=docs/examples/github-actions.yml
"$tools/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$workflow"
command -v shellcheck >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
"$tools/bin/python" - "$workflow" "$scripts" <<'PY'
import re, sys, yaml
workflow = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for job_name, job in workflow["jobs"].items():
    for i, step in enumerate(job["steps"]):
        if "run" in step:
            text = re.sub(r"\$\{\{[^}]*\}\}", "placeholder", step["run"])
            with open(f"{sys.argv[2]}/{job_name}-{i:02d}.sh", "w", encoding="utf-8") as f:
                f.write("#!/usr/bin/env bash\nset -e\n" + text)
PY
shellcheck --shell=bash "$scripts"/*.sh
echo "lint-github-example: $workflow passes the workflow schema and shellcheck ($(ls "$scripts" | wc -l) run steps)"
