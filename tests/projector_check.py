#!/usr/bin/env python3
"""projector_check.py - what a student in the back row must be able to read
on one screen of sockstep (a tmux capture on stdin), checked the way a person
would look at it: pane by pane, by their titles.

  --tuple           every 5-tuple row shows its protocol and its state, and the
                    header names the five columns and the state
  --tuple-min       the same, but the header need only name PROTO and STATE
                    (--compare at 80x24: a half is 38 columns)
  --call            each program pane's current call (the ▶ line) is whole:
                    not cut with "…", its closing ");" on screen
  --bytes           a sockaddr_in pane shows all 16 bytes of the current stage
  --conv            the hex pane shows a conversion: the value's bytes in
                    network order and in host order
  --text TEXT       TEXT is on screen (repeatable)
  --ladder FLAGS    the ladder pane shows an arrow labelled FLAGS (repeatable)

Prints one FAIL line per thing not readable and exits 1; silent and 0 when
everything is there.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_panes  # noqa: E402

STATES = ("CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2",
          "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSING", "UNCONN", "CONNECTED", "ESTAB", "FIN_WAIT")
HEX = r"[0-9A-F]{2}"


def panes(lines, word):
    """The bodies of the panes whose title holds word (screen_panes.py)."""
    return [body for _, body in screen_panes.panes(lines, word)]


def check_tuple(lines, fails, full=True):
    tables = panes(lines, "5-tuple")
    if not tables:
        fails.append("no 5-tuple pane on screen")
        return
    for t in tables:
        if not t:
            fails.append("the 5-tuple pane has no room for its header")
            continue
        head = t[0]
        cols = (r"PROTO", r"LOCAL-IP|LIP|LOCAL", r"LPORT|LOCAL-PORT|PORT", r"REMOTE-IP|RIP|REMOTE",
                r"RPORT|REMOTE-PORT|PORT", r"STATE") if full else (r"PROTO", r"STATE")
        for want in cols:
            if not re.search(want, head):
                fails.append(f"the 5-tuple header lacks {want.split('|')[0]}: {head.strip()!r}")
        for row in t[1:]:
            text = row.strip()
            # Notes, their wrapped lines, the "earlier rows" line and blank padding.
            if not text or text.startswith("(") or text.startswith("…") or "earlier" in text:
                continue
            if not re.match(r"(STEP|KERNEL|INHERITED|kern|\S)", text):
                continue
            if not re.search(r"\b(TCP|UDP)\b", text):
                # A wrapped note's continuation has neither: it must not look like a row.
                if re.search(r"\b(server|client|srv|cli)\w*\s+\d+\b", text):
                    fails.append(f"a 5-tuple row without its protocol: {text!r}")
                continue
            if not any(re.search(r"\b" + s + r"\b", text) for s in STATES):
                fails.append(f"a 5-tuple row without its state: {text!r}")


def check_call(lines, fails):
    # Program panes are titled by their side ("─ server 200.0.0.2 · TCP"; "[ … ]"
    # when focused); the ladder's title names both sides later on.
    progs = [b for t in ("─ server ", "[ server ", "─ client ", "[ client ") for b in panes(lines, t)]
    for body in progs:
        for i, row in enumerate(body):
            if "▶" not in row:
                continue
            call = row[row.index("▶") + 1:].strip()
            for more in body[i + 1:]:
                if more.startswith("    ") and more.strip():
                    call += " " + more.strip()
                else:
                    break
            if "…" in call:
                fails.append(f"the current call is cut: {call!r}")
            elif ");" not in call:
                fails.append(f"the current call is not whole on screen: {call!r}")


def check_bytes(lines, fails):
    for body in panes(lines, "sockaddr_in"):
        rows = [r for r in body if re.search(HEX + r" " + HEX, r)]
        if any(len(re.findall(r"\b" + HEX + r"\b", r)) >= 16 and "…" not in r for r in rows):
            continue
        # A narrow pane: 16 bytes of two digits without blanks (ui_hex.c).
        if any(re.search(r"(?<![0-9A-F])[0-9A-F]{32}(?![0-9A-F])", r) for r in body):
            continue
        zero = [i for i, r in enumerate(body) if r.strip().startswith("sin_zero")]
        ok = False
        for i in zero:
            z = re.findall(r"\b" + HEX + r"\b", body[i])
            prev = body[i - 1] if i > 0 else ""
            p = re.findall(r"\b" + HEX + r"\b", prev)
            if len(z) >= 8 and len(p) >= 8 and "…" not in prev:
                ok = True
        if not ok:
            fails.append("the sockaddr_in pane does not show all 16 bytes of the current stage")


def check_conv(lines, fails):
    conv = panes(lines, "conversion")
    if not conv:
        fails.append("no conversion in the hex pane")
        return
    body = conv[0]
    net = [r for r in body if re.match(r"\s*network\s+(" + HEX + r"\s*)+", r)]
    host = [r for r in body if re.match(r"\s*host\s+(" + HEX + r"\s*)+", r)]
    # An address conversion shows the 4 bytes each function wrote instead.
    addr = [r for r in body if re.match(r"\s*(inet_addr|inet_pton|inet_aton)\s+(" + HEX + r" ){3}" + HEX, r)]
    # Several conversions in a row: one line each, what was converted and its bytes.
    listed = [r for r in body if re.match(r"\s*\S+\s+(" + HEX + r" ){1,3}" + HEX + r"(\s|$)", r)]
    if not (net and host) and not addr and not listed:
        fails.append("the conversion's bytes (network and host order, or the address's 4 bytes) are not shown")


def check_ladder(lines, fails, flags):
    lad = panes(lines, "ladder")
    if not lad:
        fails.append("no ladder pane on screen")
        return
    text = "\n".join(line for body in lad for line in body)
    for f in flags:
        if f not in text:
            fails.append(f"the ladder has no arrow labelled {f!r}")


def main():
    args = sys.argv[1:]
    lines = sys.stdin.read().split("\n")
    fails = []
    texts, flags = [], []
    i = 0
    todo = set()
    while i < len(args):
        a = args[i]
        if a in ("--text", "--ladder"):
            (texts if a == "--text" else flags).append(args[i + 1])
            i += 2
            continue
        todo.add(a)
        i += 1
    if "--tuple" in todo:
        check_tuple(lines, fails)
    if "--tuple-min" in todo:
        check_tuple(lines, fails, full=False)
    if "--call" in todo:
        check_call(lines, fails)
    if "--bytes" in todo:
        check_bytes(lines, fails)
    if "--conv" in todo:
        check_conv(lines, fails)
    if flags:
        check_ladder(lines, fails, flags)
    screen = "\n".join(lines)
    for t in texts:
        if t not in screen:
            fails.append(f"{t!r} is not on screen")
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
