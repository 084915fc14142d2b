#!/usr/bin/env python3
"""traced_screen.py - a traced program stepped on the screen against --batch
of the same commands: at the end of each step (n, once the screen's --log
said it was idle), what the step teaches is on screen, whole.

  traced_screen.py BATCH N1=SCREEN1 N2=SCREEN2 ...

BATCH is `sockstep --batch` of the commands typed on the screen; Nk is the
number of the batch's command ("[7] client next") that screen k was
captured after, SCREENk its capture (tmux capture-pane -p -e: with its
attributes). For each, what batch printed for that command must be on
screen:
  - each call it printed, in its side's pane, as the program wrote it,
    whole (wrapped, never cut with "…"), with its result: "→ 3",
    "→ -1 ECONNREFUSED", "next" (stopped before it), "blocked"; an errno
    with batch's explanation of it under the call, whole;
  - the program's own output ("| TEXT" in batch), each line whole as
    "> TEXT" in its pane, in batch's order;
  - every 5-tuple row it printed, by value (an ephemeral port matches any);
  - the 16 bytes of the sockaddr it read from the program's memory, in the
    sockaddr_in pane;
  - its last frame, as the last arrow on the ladder;
  - its last note about the side it stepped (an exit status, what the
    kernel saw), on the lines under the frame;
  - nothing dim (SGR 2) anywhere on screen.
Prints one FAIL line per thing missing, naming the step; exit 1 if any.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from screen_panes import panes  # noqa: E402
import stepcheck  # noqa: E402

HEX = r"[0-9A-F]{2}"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


class Block:
    def __init__(self, no, line):
        self.no = no
        self.line = line
        self.calls = []      # (side, code, result as batch printed it)
        self.output = []     # (side, text)
        self.notes = []      # (side, text)
        self.step = stepcheck.Step(no, line)  # rows, stage, frame: stepcheck's checks


def parse_batch(text):
    blocks = {}
    cur = None
    header = None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"\[(\d+)\] (.*)", line)
        if m:
            cur = Block(int(m.group(1)), m.group(2))
            blocks[cur.no] = cur
            header = None
            continue
        if cur is None:
            continue
        if line.startswith("    ") and line.split()[:2] == ["STEP", "PROGRAM"]:
            header = line
            continue
        if header and line.startswith("    ") and not line.startswith("          ") and line.strip():
            v = stepcheck.row_fields(header, line)
            v.setdefault("LPORT", v.get("LOCAL-PORT", ""))
            v.setdefault("RPORT", v.get("REMOTE-PORT", ""))
            cur.step.rows.append(tuple(v.get(k, "") for k in ("PROGRAM", "FD", "PROTO", "LOCAL-IP", "LPORT",
                                                               "REMOTE-IP", "RPORT", "STATE", "STEP")))
            continue
        m = re.match(r"  (server|client)(\d*|\.\d+)  (.*)", line)
        if m:
            header = None
            # client2, server.1: in their side's pane, their lines marked "[client2] "
            side, rest = m.group(1), m.group(3)
            mark = "[" + side + m.group(2) + "] " if m.group(2) else ""
            j = i + 1
            while j < len(lines) and lines[j].startswith("          ") and not lines[j].startswith("            "):
                rest += " " + lines[j].strip()
                j += 1
            if rest.startswith("| "):
                cur.output.append((side, mark, rest[2:]))
            elif rest.startswith("note: "):
                cur.notes.append((side, rest[6:]))
            elif "  -> " in rest and "still blocked after" not in rest:
                code, res = rest.split("  -> ", 1)
                cur.calls.append((side, mark + code.strip(), res))
            # the 16 bytes under it: a sockaddr as built or read from memory
            hm = re.match(r"\s+((?:" + HEX + r" ){15}" + HEX + r")\s*$", lines[j]) if j < len(lines) else None
            if hm and not rest.startswith("| "):
                cur.step.stage = hm.group(1).split()
            continue
        m = re.match(r"  wire +#\d+ +(.*)", line)
        if m:
            header = None
            lab = stepcheck.frame_label(" " + m.group(1) + " ")
            if lab:
                cur.step.frame = lab
            continue
        if line.startswith("  ") and not line.startswith("    "):
            header = None
    return blocks


# ---- the screen ---------------------------------------------------------------

def squash(s):
    return re.sub(r"\s+", "", s)


def entries(body):
    """A program pane's lines: each from its first row (code at column 2)
    through the rows indented by four under it."""
    out = []
    for row in body:
        if len(row) > 4 and row[2:4].strip() == "" and out and row[:2].strip() == "":
            out[-1] += " " + row.strip()
        elif row.strip():
            out.append(row[2:].rstrip() if len(row) > 2 else "")
    return out


def want_result(res):
    """batch's result -> a regex for the squashed end of the screen's line."""
    if res.startswith("stopped before"):
        return r"next"
    if res.startswith("blocked since"):
        return r"blocked"
    m = re.match(r"(-?\d+)(?:\s+([A-Z][A-Z0-9_]+))?", res)
    if not m:
        return re.escape(squash(res))
    if m.group(2):
        return "→" + re.escape(m.group(1) + m.group(2))
    return "→" + re.escape(m.group(1)) + r"(\(waited\))?"


def side_panes(lines, side):
    return [b for _, b in panes(lines, "─ " + side + " ") + panes(lines, "[ " + side + " ")]


def check_calls(blk, lines, fails, tag):
    last = {}
    for side, code, res in blk.calls:
        last[(side, code)] = res  # the call's state at the end of the step
    for (side, code), res in last.items():
        found = side_panes(lines, side)
        if not found:
            fails.append(f"{tag}: no {side} pane on screen")
            continue
        ents = [e for b in found for e in entries(b)]
        want = squash(code)
        hits = [e for e in ents if squash(e).startswith(want)]
        if not hits:
            near = [e for e in ents if squash(e)[:12] == want[:12]]
            fails.append(f"{tag}: {side}'s call is not on screen whole: want {code!r}"
                         + (f", the screen has {near[-1]!r}" if near else ""))
            continue
        rest = squash(hits[-1])[len(want):]
        if not re.fullmatch(want_result(res), rest):
            fails.append(f"{tag}: {side}'s {code!r}: want its result as batch's {res.split('(')[0].strip()!r}, "
                         f"the screen has {rest!r}")
        # an errno: batch's explanation of it, whole, under the call
        m = re.match(r"-1 ([A-Z][A-Z0-9_]+)", res)
        why = [t for s, t in blk.notes if s == side and m and t.startswith(m.group(1) + ": ")]
        if why and squash("/* " + why[-1] + " */") not in [squash(e) for e in ents]:
            fails.append(f"{tag}: {side}'s {m.group(1)} is not explained under its call: want {why[-1]!r}")


def check_output(blk, lines, fails, tag):
    by_side = {}
    for side, mark, text in blk.output:
        by_side.setdefault(side, []).append(mark + "> " + text if mark else "> " + text)
    for side, texts in by_side.items():
        ents = [squash(e) for b in side_panes(lines, side) for e in entries(b)]
        at = 0
        for t in texts:
            want = squash(t)
            k = next((n for n in range(at, len(ents)) if ents[n] == want), None)
            if k is None:
                got = [e for e in ents if e.startswith(want[:10])]
                fails.append(f"{tag}: {side}'s output line is not on screen whole, in order: {t!r}"
                             + (f" (the screen has {got[-1]!r})" if got else ""))
            else:
                at = k + 1


def check_note(blk, lines, fails, tag):
    sides = {s for s, _, _ in blk.calls}
    notes = [t for s, t in blk.notes if s in sides]
    if not notes:
        return
    # under the frame: after its last row (a two-line note may take its bottom border's)
    bottom = max((i for i, ln in enumerate(lines) if ln[:1] in ("└", "│")), default=len(lines) - 3)
    below = squash(" ".join(lines[bottom + 1:]))
    if squash(notes[-1]) not in below:
        fails.append(f"{tag}: its last note is not under the frame: {notes[-1]!r}")


def check_dim(raw, fails, tag):
    for m in SGR.finditer(raw):
        ps = [p for p in re.split(r"[;:]", m.group(1))]
        k = 0
        while k < len(ps):
            if ps[k] in ("38", "48", "58"):  # a colour: 5;N or 2;R;G;B follows
                k += 3 if k + 1 < len(ps) and ps[k + 1] == "5" else 5
                continue
            if ps[k] == "2":
                fails.append(f"{tag}: dim text (SGR 2) on screen")
                return
            k += 1


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        return 2
    with open(args[0], encoding="utf-8") as fh:
        blocks = parse_batch(fh.read())
    fails = []
    for a in args[1:]:
        no, path = a.split("=", 1)
        blk = blocks.get(int(no))
        tag = f"[{no}] {blk.line if blk else '?'}"
        if not blk:
            fails.append(f"{tag}: no such command in the batch output")
            continue
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
        lines = re.sub(r"\x1b\[[0-9;:?]*[A-Za-z]|\x1b[()][0-9A-Za-z]", "", raw).split("\n")
        check_calls(blk, lines, fails, tag)
        check_output(blk, lines, fails, tag)
        stepcheck.check_rows(blk.step, lines, fails, tag)
        stepcheck.check_stage(blk.step, lines, fails, tag)
        stepcheck.check_frame(blk.step, lines, fails, tag)
        check_note(blk, lines, fails, tag)
        check_dim(raw, fails, tag)
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
