#!/usr/bin/env python3
"""Copy docs/coverage.md (made by tools/gen_coverage_table.py) into README.md between the
coverage markers; with --check, fail when the README's copy differs."""
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"
table = open(os.path.join(root, "docs", "coverage.md")).read().strip()
readme_path = os.path.join(root, "README.md")
readme = open(readme_path).read()
if BEGIN not in readme or END not in readme:
    sys.exit("README.md has no coverage markers")
head, rest = readme.split(BEGIN, 1)
_, tail = rest.split(END, 1)
new = f"{head}{BEGIN}\n{table}\n{END}{tail}"
if "--check" in sys.argv:
    if new != readme:
        sys.exit("README.md's coverage table is stale: run `make coverage-table`")
    print("README coverage table: current")
else:
    open(readme_path, "w").write(new)
