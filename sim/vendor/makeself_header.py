#!/usr/bin/env python3
"""Write a makeself header that behaves like the one Huawei's .run packages use.

    makeself_header.py OUT

Stock makeself refuses any flag it does not know ("Unrecognized flag : --full") unless the user
types `--` first. Huawei patches the header (ascend-docker-runtime build/scripts/mkselfmodify.patch)
so that the package's own flags pass straight to the embedded installer, `--quiet` is both
makeself's and the installer's, `--extract=<path>` replaces `--target <path>`, and `--check` does
not list the checksum kinds the archive lacks. This makes the same changes to Debian's header;
`--check`, `--info`, `--list`, `--noexec` and the integrity check before every run stay makeself's
own. Fails if Debian's header no longer has the lines it changes.
"""
import sys

SOURCE = "/usr/share/makeself/makeself-header.sh"

# (anchor, replacement) pairs on the header template; `\$` is `$` in the generated archive.
PATCHES = [
    ('initargs="\\$@"\n',
     'initargs="\\$@"\npassthru=""\n'),
    ('    -q | --quiet)\n\tquiet=y\n\tnoprogress=y\n\tshift\n',
     '    -q | --quiet)\n\tquiet=y\n\tnoprogress=y\n\tpassthru="\\$passthru --quiet"\n\tshift\n'),
    ('    --target)\n',
     '    --extract=*)\n\tkeep=y\n\ttargetdir=\\`echo "\\$1" | cut -d= -f2-\\`\n\tshift\n\t;;\n    --target)\n'),
    ('    -*)\n\techo Unrecognized flag : "\\$1" >&2\n\tMS_Help\n\texit 1\n\t;;\n',
     '    -*)\n\tpassthru="\\$passthru \\$1"\n\tshift\n\t;;\n'),
    # --check names every checksum kind the archive lacks; Huawei's header drops those lines, so
    # a good package prints only "SHA256 checksums are OK. All good."
    ('test x"\\$verb" = xy && echo " \\$1 does not contain an embedded MD5 checksum." >&2\n', ':\n'),
    ('test x"\\$verb" = xy && echo " \\$1 does not contain a CRC checksum." >&2\n', ':\n'),
    ('if test x"\\$quiet" = xy -a x"\\$verbose" = xy; then\n',
     'set -- \\$passthru "\\$@"\nif test x"\\$quiet" = xy -a x"\\$verbose" = xy; then\n'),
]


def main(out):
    with open(SOURCE, encoding="utf-8") as fh:
        text = fh.read()
    for anchor, replacement in PATCHES:
        if text.count(anchor) != 1:
            sys.exit("makeself_header.py: %s changed, anchor not found once: %r" % (SOURCE, anchor[:40]))
        text = text.replace(anchor, replacement)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1])
