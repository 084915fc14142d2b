"""screen_panes.py - the panes of a captured sockstep screen (tmux
capture-pane), for the Python screen checkers (stepcheck.py,
projector_check.py): a pane is found by a word of its title, which sits on
a border row; its body is the text between its left and right borders,
down to the next border row."""

BOX_LEFT = "┌├┬┼"
BOX_RIGHT = "┐┤┬┼"
BORDER_START = "├└┼┴┬"


def panes(lines, word):
    """Every pane whose title row holds word: (title line, body lines)."""
    found = []
    for y, line in enumerate(lines):
        start = 0
        while True:
            x = line.find(word, start)
            if x < 0:
                break
            start = x + len(word)
            # The pane spans from the box character before the title to
            # the next one after it.
            left = max(line.rfind(c, 0, x) for c in BOX_LEFT)
            rights = [r for r in (line.find(c, x) for c in BOX_RIGHT) if r >= 0]
            if left < 0 or not rights:
                continue
            right = min(rights)
            body = []
            for row in lines[y + 1:]:
                if len(row) <= left or row[left] in BORDER_START or row[left] != "│":
                    break
                body.append(row[left + 1:right])
            found.append((line[left:right + 1], body))
    return found
