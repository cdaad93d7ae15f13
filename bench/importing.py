"""Time `archgen import` + `archgen lint` of a large Kubernetes file against the bare YAML parse.

    python bench/importing.py                 # 2,000 documents (1,000 Deployments and their Services)
    python bench/importing.py --documents 6000

Target (DESIGN.md §9's issue): import and lint of a 2,000-document file ≤ 2 s on this machine,
peak memory ≤ 3× the bare YAML parse of the same file (each measured in a process of its own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
PEAK = "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))"
PARSE = (
    "import yaml; list(yaml.load_all(open({path!r}).read(), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))); "
)
IMPORT = (
    "from pathlib import Path; from archgen import api; text, loaded = api.import_spec([Path({path!r})]); "
    "api.lint_loaded(loaded); "
)


def manifests(documents: int) -> str:
    """Write `documents` documents: Deployments (each calling the next two by env) and their Services."""
    services = documents // 2
    parts = []
    for index in range(services):
        calls = "".join(
            f'        - {{name: DEP_{step}, value: "svc-{(index + step) % services}:8080"}}\n' for step in (1, 2)
        )
        image = "redis:7" if index % 10 == 9 else f"registry.example.com/app-{index}:1"
        parts.append(
            "apiVersion: apps/v1\nkind: Deployment\n"
            f"metadata: {{name: app-{index}}}\n"
            "spec:\n  replicas: 2\n  template:\n"
            f"    metadata: {{labels: {{app: app-{index}}}}}\n"
            "    spec:\n      containers:\n"
            f"      - name: main\n        image: {image}\n        env:\n{calls}"
        )
        kind = "LoadBalancer" if index == 0 else "ClusterIP"
        parts.append(
            "apiVersion: v1\nkind: Service\n"
            f"metadata: {{name: svc-{index}}}\n"
            f"spec: {{type: {kind}, selector: {{app: app-{index}}}, ports: [{{port: 8080}}]}}\n"
        )
    return "---\n".join(parts)


def measure(code: str) -> tuple[float, float]:
    """Return the wall time and peak memory (MB) of a Python process running `code`."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + PEAK], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifests.yaml"
        path.write_text(manifests(args.documents))
        size = path.stat().st_size
        parse = min(measure(PARSE.format(path=str(path))) for _ in range(args.repeat))
        imported = min(measure(IMPORT.format(path=str(path))) for _ in range(args.repeat))
    print(f"{args.documents} documents ({size:,} bytes)")
    print(f"bare YAML parse:  {parse[0]:.2f} s, {parse[1]:.0f} MB peak")
    print(f"import + lint:    {imported[0]:.2f} s, {imported[1]:.0f} MB peak ({imported[1] / parse[1]:.2f}× memory)")


if __name__ == "__main__":
    main()
