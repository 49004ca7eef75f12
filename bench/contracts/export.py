#!/usr/bin/env python3
"""Export HEAD of a bare git dir into a folder, skipping blobs that are absent (large files)."""
import os, subprocess, sys
gd, out = sys.argv[1], sys.argv[2]
rev = sys.argv[3] if len(sys.argv) > 3 else "HEAD"
ls = subprocess.run(["git", "--git-dir", gd, "ls-tree", "-r", "-z", rev], capture_output=True, check=True).stdout
entries = []
for rec in ls.split(b"\0"):
    if not rec: continue
    meta, path = rec.split(b"\t", 1)
    mode, typ, sha = meta.split()
    if typ != b"blob": continue
    entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
p = subprocess.Popen(["git", "--git-dir", gd, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
missing = 0
for mode, sha, path in entries:
    p.stdin.write(sha + b"\n"); p.stdin.flush()
    header = p.stdout.readline()
    if header.endswith(b"missing\n"):
        missing += 1; continue
    size = int(header.split()[2])
    data = p.stdout.read(size); p.stdout.read(1)
    dest = os.path.join(out, path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if mode == b"120000":
        try: os.symlink(data.decode(), dest)
        except FileExistsError: pass
    else:
        with open(dest, "wb") as f: f.write(data)
        if mode == b"100755": os.chmod(dest, 0o755)
print(f"{out}: {len(entries)-missing} files, {missing} absent", file=sys.stderr)
