#!/usr/bin/env python3
"""layering.py - the include rules of STYLE.md and of the labs' rooms, checked on the sources.

A module is a .c/.h pair (src/app/app.c + app.h); in src/labs each lab's folder is one room.
  - src/labs/<lab>/model.*: the engine and its own room only (no SDL, viz, ui, app, other labs);
  - src/labs/<lab>/*: no other lab's room, no app/ (the kit in labs/common and labs/lab.h are
    shared);
  - src/labs/common/*: no lab's room;
  - src/app/*: the labs only through labs/lab.h;
  - engine and lesson include nothing of ours outside themselves;
  - no two modules depend on each other, directly or through others (no include cycle).
Prints each violation as FILE:LINE: what, then 'N passed, N failed'."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
src = os.path.join(root, 'src')
inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

def module_of(rel):
    """'labs/conv/view.c' -> 'labs/conv' (a room); 'app/app.c' -> 'app/app'."""
    parts = rel.split('/')
    if parts[0] == 'labs' and len(parts) == 3 and parts[1] != 'common':
        return 'labs/' + parts[1]
    return os.path.splitext(rel)[0]

failed = 0
passed = 0
edges = {}

def fail(path, line, what):
    global failed
    failed += 1
    print(f'{path}:{line}: {what}')

for dirpath, _, names in os.walk(src):
    for name in sorted(names):
        if not name.endswith(('.c', '.h')):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, src).replace(os.sep, '/')
        top = rel.split('/')[0]
        mod = module_of(rel)
        with open(path, encoding='utf-8') as f:
            for n, text in enumerate(f, 1):
                m = inc_re.match(text)
                if not m:
                    continue
                target = m.group(1)
                ttop = target.split('/')[0]
                tmod = module_of(target)
                if tmod != mod:
                    edges.setdefault(mod, {}).setdefault(tmod, (rel, n))
                bad = None
                if top in ('engine', 'lesson') and ttop != top:
                    bad = f'{top}/ includes {target} (it depends on nothing of ours)'
                elif top == 'labs' and len(rel.split('/')) == 3:
                    room = rel.split('/')[1]
                    is_model = name.startswith('model.')
                    if ttop == 'app':
                        bad = f'a lab includes the app shell ({target})'
                    elif ttop == 'labs':
                        tparts = target.split('/')
                        troom = tparts[1] if len(tparts) == 3 else None
                        if room == 'common' and troom not in (None, 'common'):
                            bad = f'the lab kit includes a lab ({target})'
                        elif room != 'common' and troom not in (None, 'common', room):
                            bad = f'lab {room} includes another lab ({target})'
                        elif is_model and troom != room:
                            bad = f'a model includes {target} (models see the engine only)'
                    elif is_model and ttop != 'engine':
                        bad = f'a model includes {target} (models see the engine only)'
                elif top == 'app' and ttop == 'labs' and target != 'labs/lab.h':
                    bad = f'the app shell includes {target} (labs only through labs/lab.h)'
                if bad:
                    fail(rel, n, bad)
                else:
                    passed += 1

# include cycles between modules
state = {}
def visit(mod, stack):
    global passed
    state[mod] = 1
    for t, (rel, n) in sorted(edges.get(mod, {}).items()):
        if state.get(t) == 1:
            cyc = stack[stack.index(t):] + [t] if t in stack else [mod, t]
            fail(rel, n, 'include cycle: ' + ' -> '.join(cyc))
        elif state.get(t) is None:
            visit(t, stack + [t])
    state[mod] = 2
for mod in sorted(edges):
    if state.get(mod) is None:
        visit(mod, [mod])
passed += 1
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
