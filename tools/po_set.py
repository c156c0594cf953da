"""Set translations in a .po file: `python tools/po_set.py FILE translations.json` (msgid → msgstr).

Drops the entry's fuzzy flag and previous-msgid lines; leaves every other entry as it is.
"""

import json
import re
import sys
from pathlib import Path


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def unquote(block: str) -> str:
    return "".join(json.loads(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def main(path: str, table: dict[str, str]) -> int:
    entries = Path(path).read_text(encoding="utf-8").split("\n\n")
    done = 0
    for i, entry in enumerate(entries):
        match = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not match or unquote(match.group(1)) not in table:
            continue
        text = table[unquote(match.group(1))]
        lines = [line for line in entry.splitlines() if not line.startswith("#|")]
        lines = [re.sub(r"^#, fuzzy, ", "#, ", line) for line in lines if line.strip() != "#, fuzzy"]
        head = []
        for line in lines:
            if line.startswith("msgstr"):
                break
            head.append(line)
        plural = any(line.startswith("msgid_plural") for line in head)
        entries[i] = "\n".join(head + [f"msgstr[0] {quote(text)}" if plural else f"msgstr {quote(text)}"])
        done += 1
    text = "\n\n".join(entries)
    Path(path).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")  # msgfmt needs it
    return done


if __name__ == "__main__":
    print(main(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))), "set")
