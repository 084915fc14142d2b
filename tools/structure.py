#!/usr/bin/env python3
"""structure.py - the figures of the source tree's shape, and its limits.

Prints, for the C sources under src/ and include/ (any depth):
  - every file over the line limit (1,000), and the largest files;
  - every function over the line limit (120), and the longest functions;
  - the arrows that run back up the layers (the folders of src/, LAYERS);
  - the include cycles between modules: a module is a .c file and the .h of
    the same name (src/engine/bind.c and include/engine/bind.h are one);
    module A depends on B when a file of A includes B's header, or when A
    calls a function that B defines (whichever header declared it). A cycle
    is a strongly connected set of two or more modules.
Exit status 1 when a limit is broken, so that CI (meson test structure)
fails; 0 otherwise. The figures are printed either way.

A function is found as this project writes them (Linux style): a line at
column 0 that opens a definition, and its body from the "{" at column 0 to
the next "}" at column 0.

Usage: tools/structure.py [SOURCE_ROOT] [--top N]
"""
import os
import re
import sys

FILE_MAX = 1000
# The folders of src/, lowest first: a file may use its own folder and those
# before it ("" is src/ itself: main.c and the options' table).
LAYERS = ["decode", "core", "net", "engine", "lesson", "ui", ""]
FUNC_MAX = 120


def sources(root):
    out = []
    for top in ("src", "include"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if n.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def functions(lines):
    """(name, first line, lines) of each function definition."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "{" and i > 0:
            # The signature: back to the line at column 0 that starts it.
            j = i - 1
            while j > 0 and (lines[j][:1] in (" ", "\t") or lines[j].strip() == ""):
                j -= 1
            sig = " ".join(l.strip() for l in lines[j:i])
            m = NAME.search(sig)
            k = i + 1
            while k < len(lines) and not lines[k].startswith("}"):
                k += 1
            if m and "=" not in sig:
                out.append((m.group(1), j + 1, k - j + 1))
            i = k + 1
            continue
        i += 1
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of(path):
    """src/engine/bind.c and include/engine/bind.h -> engine/bind (the
    folder under src/ or include/, and the name)."""
    p = path.split(os.sep, 1)[1]
    return os.path.splitext(p)[0]


def cycles(root, files):
    by_base = {}
    for f in files:
        if f.endswith(".h"):
            by_base.setdefault(os.path.basename(f), []).append(f)
    edges = {}
    for f in files:
        a = module_of(f)
        edges.setdefault(a, set())
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                cands = [h for h in by_base.get(os.path.basename(inc), []) if h.endswith(inc)]
                for h in cands:
                    b = module_of(h)
                    if b != a:
                        edges[a].add(b)
    # Calls: a module that calls a function defined (once, not static) in
    # another module depends on it, whichever header declared it.
    defined = {}
    texts = {}
    for f in files:
        if not f.endswith(".c"):
            continue
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        texts[f] = text
        lines = text.split("\n")
        for name, first, _ in functions(lines):
            head = " ".join(l.strip() for l in lines[max(0, first - 1):first + 2])
            if head.startswith("static"):
                continue
            defined.setdefault(name, set()).add(module_of(f))
    ident = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
    for f, text in texts.items():
        a = module_of(f)
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
        for m in ident.finditer(text):
            where = defined.get(m.group(1))
            if where and len(where) == 1:
                b = next(iter(where))
                if b != a:
                    edges[a].add(b)
    # Tarjan's strongly connected components.
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out, edges


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top = 10
    if "--top" in sys.argv:
        top = int(sys.argv[sys.argv.index("--top") + 1])
        args = [a for a in args if a != str(top)]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    files = sources(root)
    sizes, funcs = [], []
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        sizes.append((len(lines), f))
        if f.endswith(".c"):
            funcs += [(n, f, name, first) for name, first, n in functions(lines)]
    sizes.sort(reverse=True)
    funcs.sort(reverse=True)
    comps, edges = cycles(root, files)
    big = [s for s in sizes if s[0] > FILE_MAX]
    long_ = [f for f in funcs if f[0] > FUNC_MAX]
    total = sum(s[0] for s in sizes)
    print(f"structure: {len(files)} files, {total} lines, {len(funcs)} functions, {len(edges)} modules")
    print(f"files over {FILE_MAX} lines: {len(big)}")
    for n, f in sizes[:max(top, len(big))]:
        print(f"  {n:6d}  {f}{'  OVER' if n > FILE_MAX else ''}")
    print(f"functions over {FUNC_MAX} lines: {len(long_)}")
    for n, f, name, first in funcs[:max(top, len(long_))]:
        print(f"  {n:6d}  {name}  ({f}:{first}){'  OVER' if n > FUNC_MAX else ''}")
    print(f"cycles between modules (includes and calls): {len(comps)}")
    for c in comps:
        inner = [f"{a} -> {b}" for a in c for b in sorted(edges[a]) if b in c]
        print(f"  {len(c)} modules: {', '.join(c)}")
        for e in inner:
            print(f"      {e}")
    # Layers: a module of a lower folder never depends on a higher one.
    rank = {name: i for i, name in enumerate(LAYERS)}
    def layer(m):
        return m.split("/", 1)[0] if "/" in m else ""
    up = sorted((a, b) for a in edges for b in edges[a]
                if rank.get(layer(a), len(LAYERS)) < rank.get(layer(b), len(LAYERS)))
    print(f"arrows that run back up the layers ({' < '.join(l or 'src' for l in LAYERS)}): {len(up)}")
    for a, b in up:
        print(f"      {a} -> {b}")
    # The README's source map names every file (a header beside its .c
    # goes with it).
    missing = []
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme):
        text = open(readme, encoding="utf-8").read()
        at = text.find("## Layout")
        layout = text[at:text.find("\n## ", at + 1)] if at >= 0 else ""
        names = set(os.path.basename(f) for f in files)
        for f in files:
            n = os.path.basename(f)
            if n.endswith(".h") and n[:-2] + ".c" in names:
                continue
            if "`" + n + "`" not in layout and n not in layout:
                missing.append(f)
        print(f"files the README's Layout does not name: {len(missing)}")
        for f in missing:
            print(f"      {f}")
    return 1 if big or long_ or comps or up or missing else 0


if __name__ == "__main__":
    sys.exit(main())
