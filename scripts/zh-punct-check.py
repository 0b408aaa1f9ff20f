#!/usr/bin/env python3
"""Checks that the Chinese in the Rust sources writes ，；：？！（） beside Chinese, without cargo.

The rule is the Chinese book's (tests/book.rs, zh_tw_prose_uses_full_width_punctuation) and the
resources' (portlife::i18n::half_width_beside_chinese, which `cargo test` applies to the texts of
locales/zh-TW/*.ftl, where the program's Chinese lives), applied to the value of every string
literal (escapes and `\\` line continuations decoded; comments skipped): code in backticks and a
name with its arguments (connect(), tcp(4)) are not prose; a mark's neighbours are the nearest
characters that are not a space, '*' or '_'; a colon before a digit belongs to an address or a
time; a half-width ,;:?!() is wrong when a neighbour is a Han character (U+4E00–9FFF) or a
full-width mark (U+3000–303F, U+FF00–FFEF). Only literals with a Han character are Chinese text;
lines from a `zh-punct-check: off` comment to a `zh-punct-check: on` one are skipped (a test's
examples of what the rule finds).

    python3 scripts/zh-punct-check.py            # every .rs under src/ and tests/
    python3 scripts/zh-punct-check.py -v FILE…   # and list each literal

Prints the count per file and exits 1 when any is found.
"""
import pathlib
import re
import sys

MARKS = ",;:?!()"


def is_cjk(c):
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def ascii_alnum(c):
    return c.isascii() and c.isalnum()


def literals(src):
    """(line, value) of every string literal of a Rust source, byte strings excepted."""
    out, i, n = [], 0, len(src)
    ident = lambda k: k > 0 and (src[k - 1].isalnum() or src[k - 1] == "_")
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "'":  # a char literal ('"', '\'') or a lifetime
            if src.startswith("\\", i + 1):
                i = src.find("'", i + 3) + 1
            elif i + 2 < n and src[i + 2] == "'":
                i += 3
            else:
                i += 1
        elif c in "br" and not ident(i) and (m := re.match(r'(b?r)(#*)"', src[i : i + 40])):
            start = i + len(m.group(0))
            end = src.find('"' + m.group(2), start)
            if not m.group(1).startswith("b"):
                out.append((src.count("\n", 0, i) + 1, src[start:end]))
            i = end + 1 + len(m.group(2))
        elif c == '"' or (src.startswith('b"', i) and not ident(i)):
            byte = c == "b"
            j, val = i + (2 if byte else 1), []
            while src[j] != '"':
                if src[j] != "\\":
                    val.append(src[j])
                    j += 1
                    continue
                e = src[j + 1]
                if e == "\n":  # a continuation: the newline and the next line's indent go
                    j += 2
                    while src[j] in " \t\r\n":
                        j += 1
                elif e == "u":
                    k = src.index("}", j)
                    val.append(chr(int(src[j + 3 : k], 16)))
                    j = k + 1
                elif e == "x":
                    val.append(chr(int(src[j + 2 : j + 4], 16)))
                    j += 4
                else:
                    val.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e, e))
                    j += 2
            if not byte:
                out.append((src.count("\n", 0, i) + 1, "".join(val)))
            i = j + 1
        else:
            i += 1
    return out


def prose(s):
    """s with code in backticks and the parentheses of `name(args)` blanked out."""
    chars, i = list(s), 0
    while i < len(s):
        c = s[i]
        if ascii_alnum(c) and s.startswith("(", i + 1):
            j = s.find(")", i + 2)
            if j >= 0 and all(ascii_alnum(d) for d in s[i + 2 : j]):
                chars[i + 1 : j + 1] = " " * (j - i)
                i = j + 1
                continue
        if c == "`":
            j = s.find("`", i + 1)
            if j >= 0:
                chars[i : j + 1] = " " * (j + 1 - i)
                i = j + 1
                continue
        i += 1
    return chars


def half_width_beside_chinese(s):
    chars, bad = prose(s), []
    kept = lambda d: d not in " *_"
    for i, c in enumerate(chars):
        if c not in MARKS:
            continue
        prev = next((d for d in reversed(chars[:i]) if kept(d)), None)
        nxt = next((d for d in chars[i + 1 :] if kept(d)), None)
        if c == ":" and nxt is not None and nxt.isascii() and nxt.isdigit():
            continue
        if (prev is not None and is_cjk(prev)) or (nxt is not None and is_cjk(nxt)):
            bad.append(c)
    return bad


def main(args):
    verbose = "-v" in args
    paths = [pathlib.Path(a) for a in args if a != "-v"]
    if not paths:
        root = pathlib.Path(__file__).resolve().parent.parent
        paths = sorted(p for d in ("src", "tests") for p in (root / d).rglob("*.rs"))
    total = 0
    for p in paths:
        src = p.read_text(encoding="utf-8")
        if not re.search("[\u4e00-\u9fff]", src):
            continue
        off, skip = set(), False
        for k, text in enumerate(src.splitlines(), 1):
            skip = (skip or "zh-punct-check: off" in text) and "zh-punct-check: on" not in text
            if skip:
                off.add(k)
        n = 0
        for line, value in literals(src):
            if line in off or not re.search("[\u4e00-\u9fff]", value):
                continue
            bad = half_width_beside_chinese(value)
            n += len(bad)
            if bad and verbose:
                print(f"{p}:{line}: {''.join(bad)!r} in {value!r}")
        print(f"{p}: {n}")
        total += n
    print(f"total: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
