#!/usr/bin/env python3
"""table_check.py - the 5-tuple pane of a tmux capture (stdin) against what
--batch prints for the same lesson step (tests/table.sh).

  table_check.py [--batch FILE --step K] [--half left|right] [--row REGEX]...
                 [--no-row REGEX]...

Checks, each failure one FAIL line (exit 1):
  - no blank line inside the pane while its title counts more rows than it
    shows (a line kept for the note of a row that is out of view); with
    --level (--compare, whose halves are lined up by step with blank rows),
    only a pane that is blank while it has rows;
  - the rows --batch prints for step K (STEP..STATE under its header), each
    found on one line of the pane, when there are no more of them than the
    pane has lines; ports from the kernel's ephemeral range and cells a
    prediction hides ("??") match anything;
  - no STEP cell cut with "…" (a name cut at the word that matters);
  - each --row REGEX matches a line of the pane, each --no-row none.
"""
import argparse
import re
import sys

ELL = "\u2026"


def pane_lines(screen, half):
    """The lines of the 5-tuple pane (its header first), of one half in --compare."""
    lines = screen.split("\n")
    top = next((i for i, l in enumerate(lines) if "5-tuple" in l and l[:1] in "├┌"), None)
    if top is None:
        return None, None
    title = lines[top]
    body = []
    for l in lines[top + 1:]:
        if l[:1] in "├└":
            break
        body.append(l)
    if half:
        # The halves are split where the title line has its middle junction.
        mid = next((i for i, c in enumerate(title) if c in "┼┬" and i > 0), None)
        if mid is None:
            return None, None
        title = title[:mid] if half == "left" else title[mid:]
        body = [l[:mid] if half == "left" else l[mid + 1:] for l in body]
    body = [l.strip("│ ").rstrip() for l in body]
    return title, body


def batch_rows(path, step):
    """The rows --batch prints in step `step`: (prog, fd, proto, lip, lport, rip, rport, state)."""
    rows, cur, head = [], 0, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^Step (\d+) of \d+:", line)
            if m:
                cur = int(m.group(1))
                head = None
                continue
            if re.match(r"^    STEP +PROGRAM +FD", line):
                head = line
                continue
            if head is None or cur != step or not line.startswith("    ") or line.startswith("     " * 2):
                if not line.startswith("    "):
                    head = None
                continue
            # Fixed columns, as the header places them.
            names = ["STEP", "PROGRAM", "FD", "PROTO", "LOCAL-IP", "LPORT", "REMOTE-IP", "RPORT", "STATE"]
            starts = [head.index(n) for n in names]
            starts[2] = starts[1] + 9  # FD is right-aligned under its header
            cells = []
            for i, s in enumerate(starts):
                e = starts[i + 1] if i + 1 < len(starts) else len(line)
                cells.append(line[s:e].strip().rstrip("*"))
            if not cells[1]:
                continue
            rows.append(cells[1:])
    return rows


def row_regex(cells):
    """A batch row as a regex over a pane line: the program and descriptor as
    "srv 3", "server  3" or (--compare's compact form) "s3"; the addresses
    optional (a compact table drops them); ESTABLISHED also as ss's ESTAB."""
    prog, fd, proto, lip, lport, rip, rport, state = cells
    m = re.match(r"^(server|client)(\d*)((?:\.\d+)?)$", prog)
    server = bool(m) and m.group(1) == "server"
    num = re.escape((m.group(2) + m.group(3)) if m else "")
    who = ("(srv|server)" if server else "(cli|client)") + num + " +" + re.escape(fd)
    if not num:
        who = "(" + who + "|" + ("s" if server else "c") + re.escape(fd) + ")"

    def val(v):
        if re.fullmatch(r"\d+", v) and int(v) >= 32768:  # ephemeral: this run's port differs
            return r"(\d+|\?\?)"
        if v == "ESTABLISHED":
            return r"(ESTABLISHED|ESTAB|\?\?)"
        return "(" + re.escape(v) + r"|\?\?)"

    rx = r"(^|\s)" + who + " +" + re.escape(proto)
    for v, ip in ((lip, True), (lport, False), (rip, True), (rport, False), (state, False)):
        if v:
            rx += ("( +" + val(v) + ")?") if ip else (" +" + val(v))
        else:  # empty; a prediction may hide it as well
            rx += r"( +\?\?)?"
    return rx + r"(\s|$)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch")
    ap.add_argument("--step", type=int)
    ap.add_argument("--half", choices=["left", "right"])
    ap.add_argument("--level", action="store_true",
                    help="--compare: blank rows that level a step with the other half's are by design")
    ap.add_argument("--row", action="append", default=[])
    ap.add_argument("--no-row", action="append", default=[])
    a = ap.parse_args()
    title, body = pane_lines(sys.stdin.read(), a.half)
    fails = []
    if title is None:
        print("FAIL no 5-tuple pane on the screen")
        return 1
    table = body[1:]  # under the column header
    m = re.search(r"5-tuple \S (\d+) rows?", title)
    total = int(m.group(1)) if m else 0
    shown = [l for l in table if l.strip() and not set(l.strip()) <= set("─")]
    blank = [l for l in table if not l.strip()]
    if a.level and total and not shown:
        fails.append(f"the table is blank while it has {total} rows")
    if total > len(shown) and blank and not a.level:
        fails.append(f"{len(blank)} blank line(s) in the table while {total - len(shown)} of its "
                     f"{total} rows are out of view")
    for l in table:
        if ELL in l:  # notes wrap, cells are whole: only a STEP name is ever cut
            fails.append(f"a STEP name cut: {l.strip()!r}")
    if a.batch and a.step:
        rows = batch_rows(a.batch, a.step)
        if len(rows) <= len(table):
            for cells in rows:
                rx = row_regex(cells)
                if not any(re.search(rx, l) for l in table):
                    fails.append(f"step {a.step}'s row not in view: {' '.join(c or '.' for c in cells)}")
    for rx in a.row:
        if not any(re.search(rx, l) for l in table):
            fails.append(f"no row matches {rx}")
    for rx in a.no_row:
        if any(re.search(rx, l) for l in table):
            fails.append(f"a row matches {rx}, which it must not")
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
