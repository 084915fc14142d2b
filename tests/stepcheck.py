#!/usr/bin/env python3
"""stepcheck.py - the screen against --batch, step by step: at the end of
every step, what that step teaches is on screen, whole (DESIGN.md, Screen).

  stepcheck.py [--label L] BATCH SCREEN1 SCREEN2 ...

BATCH is `sockstep --batch --lesson NAME` of the lesson; SCREENk is the tmux
capture taken once step k had ended (the screen's idle line in its --log).
For --compare, BATCH is given twice (the left half's lesson, then the right
half's) with --compare, and each half of the screen is read on its own:

  stepcheck.py --compare BATCH_LEFT BATCH_RIGHT SCREEN1 ...

For each step, what --batch printed for it must be on screen:
  - its narration, word for word, in the lesson pane, never cut with "…";
  - every 5-tuple row it printed, by its values (program, descriptor,
    protocol, addresses, ports, state); an ephemeral port (32768 and up) and
    a "??" cell (a pending prediction) match any value; a table too narrow
    for the IP columns (--compare at 80x24) may leave the addresses out;
  - each program's current call: the last call the step made, whole;
  - the pane the step is about: the 16 bytes of the last sockaddr_in stage
    it built (not in --compare, whose halves have no sockaddr_in pane), and the flags of the last frame it put on the wire, on the
    ladder, as the last arrow there (nothing later: the screen is not ahead
    of the step);
  - no "expectation failed" where every expectation of the step held.

Prints one FAIL line per thing missing, naming the step; exit 1 if any.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from screen_panes import panes  # noqa: E402

HEX = r"[0-9A-F]{2}"
EPHEMERAL = 32768


# ---- --batch ----------------------------------------------------------------

class Step:
    def __init__(self, no, title):
        self.no = no
        self.title = title
        self.narration = []   # words
        self.rows = []        # (program, fd, proto, lip, lport, rip, rport, state)
        self.calls = {}       # program -> code of its last call
        self.stage = None     # the last sockaddr_in stage: 16 hex bytes
        self.frame = None     # the label of the last non-ARP frame
        self.failed = False   # an expectation failed in batch


def row_fields(header, line):
    """A batch table row cut at the header's column starts."""
    names = header.split()
    starts = []
    pos = 0
    for n in names:
        pos = header.index(n, pos)
        starts.append(pos)
        pos += len(n)
    vals = {}
    for i, n in enumerate(names):
        end = starts[i + 1] if i + 1 < len(names) else len(line)
        vals[n] = line[starts[i]:end].strip().rstrip("*").strip() if starts[i] < len(line) else ""
    # A right-aligned FD may start before its header column.
    if not vals.get("FD"):
        m = re.match(r"\s*\S+\s+(\S+)\s+(\d+)\s", line)
        if m:
            vals["FD"] = m.group(2)
    return vals


def frame_label(text):
    if " ARP " in text:
        return None
    if " ICMP " in text:
        return "ICMP"
    m = re.search(r"\[[A-Z, ]+\]", text)
    if m:
        return m.group(0)
    if " UDP " in text:
        return "UDP"
    return None


def parse_batch(text):
    steps = []
    cur = None
    header = None
    lines = text.split("\n")
    i = 0
    narr = False  # in a narration block: its preformatted lines are narration too
    while i < len(lines):
        line = lines[i]
        m = re.match(r"Step (\d+) of \d+: (.*)", line)
        if m:
            cur = Step(int(m.group(1)), m.group(2))
            steps.append(cur)
            header = None
            i += 1
            continue
        if cur is None or line.startswith("=====") or line.startswith("LESSON "):
            narr = cur is not None and line.startswith("=====")
            i += 1
            continue
        if re.match(r"\[\d+\] ", line):
            header = None
            narr = False
            i += 1
            continue
        # Narration: lines at column 0, and the preformatted lines (four
        # spaces first) among them, before any command's output.
        if line and (not line.startswith(" ") or (narr and line.startswith("    "))):
            cur.narration += line.split()
            narr = True
            i += 1
            continue
        if line.strip():
            narr = False
        if line.startswith("    ") and not line.startswith("     ") and line.split()[:2] == ["STEP", "PROGRAM"]:
            header = line
            i += 1
            continue
        if header and line.startswith("    ") and not line.startswith("          ") and line.strip():
            v = row_fields(header, line)
            cur.rows.append(tuple(v.get(k, "") for k in ("PROGRAM", "FD", "PROTO", "LOCAL-IP", "LPORT",
                                                          "REMOTE-IP", "RPORT", "STATE", "STEP")))
            i += 1
            continue
        m = re.match(r"  (server|client)(\d*|\.\d+)  (.*)", line)
        if m:
            header = None
            # The pane: a side's programs share it (server.1, client2 are marked in it).
            who, rest = m.group(1), m.group(3)
            # a wrapped entry continues on lines indented by 10
            j = i + 1
            while j < len(lines) and lines[j].startswith("          ") and not lines[j].startswith("            "):
                rest += " " + lines[j].strip()
                j += 1
            hm = re.match(r"((?:" + HEX + r" ){15}" + HEX + r")$", lines[i + 1].strip()) if i + 1 < len(lines) else None
            if "  -> " in rest and not rest.startswith(("note:", "predict ")):
                code = rest.split("  -> ")[0].strip()
                cur.calls[who] = code
            if re.match(r"(?:" + HEX + r" ){8}", rest) is None and i + 1 < len(lines):
                hm = re.match(r"\s+((?:" + HEX + r" ){15}" + HEX + r")\s*$", lines[i + 1])
                if hm:
                    cur.stage = hm.group(1).split()
            i = j
            continue
        m = re.match(r"  wire +#\d+ +(.*)", line)
        if m:
            header = None
            lab = frame_label(" " + m.group(1) + " ")
            if lab:
                cur.frame = lab
            i += 1
            continue
        if re.match(r"  expect .*: (FAIL|failed)", line) or "expectation failed" in line:
            cur.failed = True
        if line.startswith("  ") and not line.startswith("    "):
            header = None
        i += 1
    return steps


# ---- the screen ---------------------------------------------------------------

def words(text):
    return text.split()


def check_narration(st, lines, fails, tag):
    if not st.narration:
        return
    les = [b for t, b in panes(lines, "· step ") if re.search(r"step \d+/", t)]
    if not les:
        fails.append(f"{tag}: no narration pane on screen")
        return
    text = " ".join(" ".join(" ".join(b).split()) for b in les)
    want = " ".join(st.narration)
    if "…" in text:
        fails.append(f"{tag}: the narration is cut with \"…\": {text[-60:]!r}")
    if want not in text:
        got = text.split()
        # the first word that differs, to name it
        n = 0
        while n < len(got) and n < len(st.narration) and got[n] == st.narration[n]:
            n += 1
        fails.append(f"{tag}: the narration is not whole: from word {n + 1} "
                     f"{' '.join(st.narration[n:n + 8])!r} on, the screen has {' '.join(got[n:n + 8])!r}")


SIDE_ALIAS = {"srv": "server", "cli": "client", "server": "server", "client": "client"}


def screen_rows(lines):
    """The 5-tuple rows on screen as token lists from the side on."""
    out = []
    for _, body in panes(lines, "5-tuple"):
        for row in body[1:]:
            toks = row.split()
            for k, t in enumerate(toks):
                m = re.match(r"(srv|server|cli|client)(\.\d+|\d*)$", t)  # srv.1 is server.1, cli2 client2
                side = SIDE_ALIAS[m.group(1)] + m.group(2) if m else None
                if side and k + 1 < len(toks) and re.match(r"(\d+|-|\?\?)$", toks[k + 1]):
                    out.append((side, toks[k + 1:], row.strip()))
                    break
                m = re.match(r"([sc])(\d+)$", t)  # --compare's narrow column: "s3" is server fd 3
                if m and k > 0:
                    out.append(("server" if m.group(1) == "s" else "client", [m.group(2)] + toks[k + 1:], row.strip()))
                    break
            else:
                # No program column (--compare's narrow halves): the STEP label leads.
                if len(toks) > 2 and re.search(r"\b(TCP|UDP)\b", row):
                    out.append((None, toks, row.strip()))
    return out


def value_ok(want, got, port=False):
    if got == "??":
        return True
    if want == "ESTABLISHED" and got == "ESTAB":
        return True
    if port and want.isdigit() and int(want) >= EPHEMERAL and got.isdigit():
        return True
    return want == got


def cells_match(cells, toks):
    """toks are the cells in order; an address cell may be left out (a
    table too narrow for the IP columns, --compare at 80x24), nothing else."""
    # A pending prediction's "??" may hide an empty cell too (batch prints none).
    if toks and toks[0] == "??" and cells_match(cells, toks[1:]):
        return True
    if not cells:
        return not toks
    (c, p, optional) = cells[0]
    if toks and value_ok(c, toks[0], p) and cells_match(cells[1:], toks[1:]):
        return True
    return optional and cells_match(cells[1:], toks)


def row_shown(r, shown):
    prog, fd, proto, lip, lport, rip, rport, state, label = r
    cells = [(fd, False, False), (proto, False, False), (lip, False, True), (lport, True, False),
             (rip, False, True), (rport, True, False), (state, False, False)]
    cells = [c for c in cells if c[0]]
    for side, toks, _ in shown:
        if side is None:
            rest = cells[1:] if fd else cells
            if toks[0].lower() == label.lower() and cells_match(rest, toks[1:]):
                return True
            continue
        if side != prog:
            continue
        if cells_match(cells, toks):
            return True
    return False


def check_rows(st, lines, fails, tag):
    if not st.rows:
        return
    shown = screen_rows(lines)
    for r in st.rows:
        if not row_shown(r, shown):
            vals = " ".join(x for x in r[:8] if x)
            fails.append(f"{tag}: the row it printed is not on screen: {vals}")


def squash(s):
    return re.sub(r"\s+", "", s)


def check_calls(st, lines, fails, tag):
    for who, code in st.calls.items():
        found = [b for t, b in panes(lines, "─ " + who + " ") + panes(lines, "[ " + who + " ")]
        if not found:
            continue  # a program without a pane of its own (client2 at this size)
        ok = False
        for body in found:
            for i, row in enumerate(body):
                if "▶" not in row:
                    continue
                call = re.sub(r"^\s*\[[a-z0-9.]+\]", "", row[row.index("▶") + 1:])
                for more in body[i + 1:]:
                    if more.startswith("    ") and more.strip():
                        call += " " + more.strip()
                    else:
                        break
                call = call.split("→")[0]
                if squash(call).startswith(squash(code)):
                    ok = True
                else:
                    fails.append(f"{tag}: {who}'s current call is not its last one whole: "
                                 f"want {code!r}, the screen has {call.strip()!r}")
                    ok = True  # said once
        if not ok:
            fails.append(f"{tag}: {who}'s current call (▶) is not on screen: {code!r}")


def check_stage(st, lines, fails, tag):
    if not st.stage:
        return
    for _, body in panes(lines, "sockaddr_in"):
        rows = [re.findall(r"\b" + HEX + r"\b", r) if "…" not in r else None for r in body]
        for r in body:
            # the narrow form (80 columns): 16 bytes as 32 hex digits without blanks
            for m in re.finditer(r"(?<![0-9A-F])[0-9A-F]{32}(?![0-9A-F])", r):
                if [m.group(0)[k:k + 2] for k in range(0, 32, 2)] == st.stage:
                    return
        for i, toks in enumerate(rows):
            if toks is None:
                continue
            if toks[-16:] == st.stage or (toks[-8:] + (rows[i + 1] or [])[-8:] == st.stage if i + 1 < len(rows)
                                          else False):
                return
            # a stage row of 8 bytes, the sin_zero row under it
            if len(toks) >= 8 and i + 1 < len(rows) and rows[i + 1] and toks[-8:] == st.stage[:8] \
                    and rows[i + 1][-8:] == st.stage[8:]:
                return
    fails.append(f"{tag}: the last sockaddr_in stage is not whole on screen: {' '.join(st.stage)}")


# The tables a step can be about (families, journey, sender): they take the
# bottom of the screen, and the ladder yields to them (README, the layout).
TABLE_HEADS = ("HOST1", "FIELD     NETWORK", "SOCK_STREAM")


def check_frame(st, lines, fails, tag):
    if not st.frame:
        return
    if any(h in row for row in lines for h in TABLE_HEADS):
        return
    lad = panes(lines, "ladder")
    if not lad:
        fails.append(f"{tag}: no ladder on screen (its last frame was {st.frame})")
        return
    labels = []
    for _, body in lad:
        for row in body:
            for m in re.finditer(r"(\[[A-Z, ]+\]|ICMP|UDP)", row):
                labels.append(m.group(1))
    if st.frame not in labels:
        fails.append(f"{tag}: the ladder has no arrow labelled {st.frame!r} (the step's last frame)")
    elif labels[-1] != st.frame:
        fails.append(f"{tag}: the ladder's last arrow is {labels[-1]!r}, batch's last frame of the step is "
                     f"{st.frame!r}")


def check_step(st, lines, fails, tag, compare=False):
    check_narration(st, lines, fails, tag)
    check_rows(st, lines, fails, tag)
    check_calls(st, lines, fails, tag)
    if not compare:  # --compare's halves are narration, code, table and frames: no sockaddr_in pane
        check_stage(st, lines, fails, tag)
    check_frame(st, lines, fails, tag)
    if not st.failed and any("expectation failed" in ln for ln in lines):
        fails.append(f"{tag}: the screen says an expectation failed; in batch all held")


def half(lines, side):
    """--compare: the left or right half of every line (split at the middle border)."""
    top = lines[0] if lines else ""
    xs = top.find("┬")
    if xs < 0:
        xs = len(top) // 2
    if side == 0:
        return [ln[:xs + 1] for ln in lines]
    return [ln[xs:] for ln in lines]


def step_of_half(lines):
    for t, _ in panes(lines, "· step "):
        m = re.search(r"step (\d+)/", t)
        if m:
            return int(m.group(1))
    return None


def main():
    args = sys.argv[1:]
    label = ""
    compare = False
    while args and args[0].startswith("--"):
        if args[0] == "--label":
            label = args[1] + " "
            args = args[2:]
        elif args[0] == "--compare":
            compare = True
            args = args[1:]
        else:
            print(f"unknown option {args[0]}")
            return 2
    nb = 2 if compare else 1
    batches = []
    for f in args[:nb]:
        with open(f, encoding="utf-8") as fh:
            batches.append(parse_batch(fh.read()))
    screens = args[nb:]
    fails = []
    if not batches[0]:
        fails.append(f"{label}no steps in the batch output")
    for k, path in enumerate(screens, 1):
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        if not compare:
            if k > len(batches[0]):
                break
            check_step(batches[0][k - 1], lines, fails, f"{label}step {k}")
            continue
        for s in (0, 1):
            hl = half(lines, s)
            no = step_of_half(hl)
            if no is None or no > len(batches[s]):
                continue
            check_step(batches[s][no - 1], hl, fails, f"{label}row {k} {'left' if s == 0 else 'right'} step {no}", True)
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
