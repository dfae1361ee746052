#!/usr/bin/env python3
"""checksrc.py — the style rules the build enforces (STYLE.md 16), for src/ and tests/unit/.

Fails on: banned functions (atoi, atol, sprintf, vsprintf, strcpy, strcat, strtok, gets);
raw malloc/calloc/realloc outside src/base/ (use base/mem.h); a file that does not start
with a comment saying what it is for; a line over 100 columns; a file that clang-format
would change (when clang-format is installed).
Usage: checksrc.py SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys

BANNED = re.compile(r"\b(atoi|atol|sprintf|vsprintf|strcpy|strcat|strtok|gets)\s*\(")
RAW_ALLOC = re.compile(r"(?<![\w.>])(malloc|calloc|realloc)\s*\(")

def strip_strings_and_comments(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return re.sub(r"//.*", "", re.sub(r"/\*.*?\*/", "", line))

def check(root):
    problems = []
    files = []
    for top in ("src", "tests/unit"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith((".c", ".h"))]
    for path in files:
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.lstrip().startswith("/*"):
            problems.append(f"{rel}:1: the file must start with a comment saying what it is for")
        in_base = rel.startswith("src/base/")
        for n, line in enumerate(text.splitlines(), 1):
            if len(line) > 100:
                problems.append(f"{rel}:{n}: line longer than 100 columns")
            code = strip_strings_and_comments(line)
            m = BANNED.search(code)
            if m:
                problems.append(f"{rel}:{n}: banned function {m.group(1)}()")
            m = RAW_ALLOC.search(code)
            if m and not in_base and not rel.startswith("tests/"):
                problems.append(f"{rel}:{n}: raw {m.group(1)}() outside src/base/ (use base/mem.h)")
    fmt = shutil.which("clang-format")
    if fmt:
        for path in files:
            r = subprocess.run([fmt, "--dry-run", "-Werror", "--style=file", path],
                               cwd=root, capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"{os.path.relpath(path, root)}: not formatted "
                                "(run clang-format -i on it)")
    return problems

def main():
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    print(f"checksrc: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)

main()
