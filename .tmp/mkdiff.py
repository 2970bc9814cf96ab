#!/usr/bin/env python3
"""mkdiff.py PATH COMMIT1:MARK1 [COMMIT2:MARK2 ...]
Final file at PATH contains blocks delimited by lines '@@BEGIN MARK@@' / '@@END MARK@@'
(in a copy PATH.src). Version after commit K has blocks of marks <= K. Writes PATH (final,
markers stripped) and PATH.diff with one section per commit after the first (the first is
the commit that adds the file)."""
import sys, subprocess, re, os, tempfile
path = sys.argv[1]; src = open(path + ".src").read().splitlines(keepends=True)
commits = [a.split(":") for a in sys.argv[2:]]  # (commit, mark); first is the adding commit, mark '-'
marks = [m for c, m in commits]
def version(k):
    allowed = set(marks[:k+1]); out=[]; stack=[]
    for ln in src:
        m = re.match(r"\s*(?://|#|\.\.)?\s*@@(BEGIN|END) (\S+)@@", ln)
        if m:
            if m.group(1)=="BEGIN": stack.append(m.group(2))
            else: stack.pop()
            continue
        if all(s in allowed for s in stack): out.append(ln)
    return "".join(out)
vers = [version(k) for k in range(len(commits))]
open(path, "w").write(vers[-1])
secs=[]
d = tempfile.mkdtemp()
for k in range(1, len(commits)):
    a=os.path.join(d,"a"); b=os.path.join(d,"b")
    open(a,"w").write(vers[k-1]); open(b,"w").write(vers[k])
    r = subprocess.run(["diff","-u",a,b],capture_output=True,text=True).stdout
    if not r: continue
    lines = r.splitlines(keepends=True)
    lines[0] = f"--- a/{path}\n"; lines[1] = f"+++ b/{path}\n"
    secs.append(f"commit: {commits[k][0]}\n" + "".join(lines))
if secs:
    open(path + ".diff", "w").write("".join(secs))
elif os.path.exists(path + ".diff"):
    os.remove(path + ".diff")
