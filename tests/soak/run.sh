#!/usr/bin/env bash
# tests/soak/run.sh - the window under Xvfb, driven with xdotool for MINUTES (default 30); not
# part of CI. While it runs:
#   - training runs in the Train lab (started with Space at the beginning);
#   - every few seconds a lab is switched (Esc to the home screen, then keys 1-8) or the lesson
#     steps (Page Down / Page Up; the window opens on a lesson, and another opens now and then);
#   - every 15 s the window is resized, between 800x600 and 1920x1080;
#   - every minute (from 30 s on) a bad file is typed as a path into the Convolution lab's
#     Image file field (key O, the path, Enter; a cut PNG, a PNG claiming 100000x100000, a JPEG
#     claiming 65535x65535, text named .png, a folder, a missing file), and the screen is kept
#     as OUT/bad-N.png;
#   - every 10 s the app's resident memory is written to OUT/rss.csv (seconds, kB).
# Afterwards OUT/rss.png plots the memory (ImageMagick), OUT/report.txt holds the verdict,
# OUT/train-end.png shows the Train lab at the end.
#
# The pass rule: the app is alive at the end; its stderr has no crash or sanitizer report
# (lines with ERROR, runtime error, Assertion, Segmentation, AddressSanitizer, LeakSanitizer);
# the memory of the last ten minutes stays within +-5% of the memory at minute ten (the
# highest sample of each 30 s, as the window's size alternates every 15 s); no frame
# over 50 ms. For a run shorter than 20 minutes (a trial) the reference is the sample at a
# third of the run and the window the last third. Frame times are read from the file named
# by CONVSCOPE_FRAME_LOG (one presented frame a line: its milliseconds from its first event
# to its end, the wall clock, and the events', drawing's and present's shares) when the app
# writes it; if it does not, the report says so and the frame rule is not judged. Each slow
# frame is matched with the soak's last action before it (OUT/actions.txt), in
# OUT/slow-frames.txt.
#
#   tests/soak/run.sh [MINUTES [OUT [CONVSCOPE]]]
#     MINUTES default 30; OUT default /tmp/convscope-soak-<time>; CONVSCOPE default build/convscope
#   SOAK_LESSON=lessons/NN.lesson picks the lesson (default 03-sliding-a-kernel).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
minutes=${1:-30}
out=${2:-/tmp/convscope-soak-$(date +%Y%m%d-%H%M%S)}
exe=${3:-$root/build/convscope}
lesson=${SOAK_LESSON:-$root/lessons/03-sliding-a-kernel.lesson}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for tool in Xvfb xdotool convert; do
    command -v "$tool" >/dev/null || { echo "soak: $tool is needed" >&2; exit 2; }
done
[ -x "$exe" ] || { echo "soak: no $exe (build first)" >&2; exit 2; }

# ---- the hostile files typed into the path field ----------------------------------------
bad="$out/bad"
mkdir -p "$bad/a-folder.png"
/usr/bin/python3 - "$bad" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data))
sig = b'\x89PNG\r\n\x1a\n'
ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', 100000, 100000, 8, 0, 0, 0, 0))
open(f'{d}/huge.png', 'wb').write(sig + ihdr + chunk(b'IDAT', zlib.compress(b'\0' * 64)) + chunk(b'IEND', b''))
small = chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 0, 0, 0, 0))
open(f'{d}/cut.png', 'wb').write((sig + small + chunk(b'IDAT', zlib.compress(b'\0' * 72)))[:-9])
open(f'{d}/huge.jpg', 'wb').write(bytes([0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0, 0xFF, 0xD9]))
open(f'{d}/notes.png', 'w').write('these are not pixels\n')
PY
bad_files=("$bad/huge.png" "$bad/cut.png" "$bad/huge.jpg" "$bad/notes.png" "$bad/a-folder.png"
    "$bad/missing.png")

# ---- Xvfb and the app -------------------------------------------------------------------------
disp=""
for n in $(seq 91 140); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
        disp=":$n"
        break
    fi
done
[ -n "$disp" ] || { echo "soak: no free X display" >&2; exit 2; }
Xvfb "$disp" -screen 0 1920x1080x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$disp
for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

export SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy
export CONVSCOPE_FRAME_LOG="$out/frames.txt"
rm -f "$CONVSCOPE_FRAME_LOG" "$out/actions.txt"
(cd "$root" && exec "$exe" --lesson "$lesson") >"$out/app.out" 2>"$out/app.err" &
app=$!
cleanup() {
    kill "$app" 2>/dev/null
    sleep 0.5
    kill -9 "$app" 2>/dev/null
    kill "$xvfb_pid" 2>/dev/null
}
trap cleanup EXIT

win=""
for _ in $(seq 100); do
    win=$(xdotool search --sync --onlyvisible --name '^convscope' 2>/dev/null | head -1) && [ -n "$win" ] && break
    sleep 0.2
done
[ -n "$win" ] || { echo "soak: the window did not appear; see $out/app.err" >&2; exit 1; }

# every action goes to OUT/actions.txt with the wall clock, so a slow frame can be matched with
# what was done just before it (the app writes the wall clock at each frame's end)
note() { echo "$(date +%s.%N) $*" >>"$out/actions.txt"; }
key() { note "key $*"; xdotool windowfocus --sync "$win" 2>/dev/null; xdotool key --clearmodifiers "$@"; }
alive() { kill -0 "$app" 2>/dev/null; }
# to the home screen from anywhere: a focused field lets go of the keyboard, a lesson's sidebar
# gives it back to the lab, then home (with a lesson open on a number question the keys 1-8
# would go to its answer: from home they open the lab and the lesson closes)
home() { key Escape; key Escape; key Escape; }

# start training: Esc gives the keyboard back to the labs, 5 opens Train, Space plays
sleep 2
key Escape
key 5
sleep 1
key space

echo "seconds,rss_kb" >"$out/rss.csv"
start=$SECONDS
end=$((start + minutes * 60))
next_rss=$start next_resize=$((start + 15)) next_bad=$((start + 30)) next_act=$start
big=0 bad_i=0 acts=0 resizes=0 typed=0
while alive && ((SECONDS < end)); do
    now=$SECONDS
    if ((now >= next_rss)); then
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$app/status" 2>/dev/null)
        echo "$((now - start)),${rss:-0}" >>"$out/rss.csv"
        next_rss=$((next_rss + 10))
    fi
    if ((now >= next_resize)); then
        # no window manager under Xvfb: keep the window on the screen's corner as it grows
        xdotool windowmove "$win" 0 0
        note "resize to $((big ? 800 : 1920))"
        if ((big)); then xdotool windowsize "$win" 800 600; else xdotool windowsize "$win" 1920 1080; fi
        big=$((1 - big))
        resizes=$((resizes + 1))
        next_resize=$((next_resize + 15))
    fi
    if ((now >= next_bad)); then
        f=${bad_files[$((bad_i % ${#bad_files[@]}))]}
        bad_i=$((bad_i + 1))
        home
        key 1
        sleep 0.5
        key o
        sleep 0.3
        note "type $f"
        xdotool type --delay 5 "$f"
        key Return
        sleep 0.5
        # what the window said (the error banner), for the record
        import -display "$disp" -window root "$out/bad-$typed.png" 2>/dev/null
        key Escape
        typed=$((typed + 1))
        next_bad=$((next_bad + 60))
    fi
    if ((now >= next_act)); then
        case $((RANDOM % 4)) in
        0) key Next ;;  # Page Down: the lesson's next step
        1) key Prior ;; # Page Up: the previous step
        *)
            home
            key $((1 + RANDOM % 8))
            ;;
        esac
        # now and then a lesson opens from the home screen (Esc: home with the selection on
        # the lab shown; eight Tabs move it onto a lesson; Enter opens it on its lab, where the
        # keys 1-8 are then held back), and later home and Train again (the lesson closes)
        if ((acts % 12 == 6)); then
            key Escape
            for _ in 1 2 3 4 5 6 7 8; do key Tab; done
            key Return
        fi
        if ((acts % 12 == 11)); then
            home
            key 5
        fi
        acts=$((acts + 1))
        next_act=$((now + 2 + RANDOM % 3))
    fi
    sleep 0.5
done
elapsed=$((SECONDS - start))
was_alive=0
if alive; then
    was_alive=1
    # the Train lab at the end, to see that training ran all along
    key Escape
    key 5
    sleep 1
    import -display "$disp" -window root "$out/train-end.png" 2>/dev/null
fi
cleanup
trap - EXIT

# ---- the verdict ---------------------------------------------------------------------------
report="$out/report.txt"
{
    echo "soak: $minutes minute(s) asked, $elapsed s run; $acts lab switches or lesson steps, $resizes resizes, $typed bad files typed"
    echo "app: $exe --lesson $lesson"
    pass=1
    if ((was_alive)); then echo "alive at the end: yes"; else echo "alive at the end: NO (it exited or crashed; see app.err)"; pass=0; fi
    if grep -nE 'ERROR|runtime error|Assertion|Segmentation|AddressSanitizer|LeakSanitizer' "$out/app.err" >"$out/errors.txt"; then
        echo "errors on stderr: $(wc -l <"$out/errors.txt") line(s), in errors.txt"
        pass=0
    else
        echo "errors on stderr: none ($(wc -l <"$out/app.err") line(s) of stderr in all)"
    fi
    # the memory rule
    total=$elapsed
    if ((total >= 1200)); then ref_t=600 win_t=$((total - 600)); else ref_t=$((total / 3)) win_t=$((total * 2 / 3)); fi
    # the window alternates between 800x600 and 1920x1080 every 15 s and its memory with it
    # (frame buffers, the larger text), so the rule compares like with like: the upper envelope,
    # the highest sample of each 30 s (one small and one large phase); the raw range is shown too
    awk -F, -v ref_t="$ref_t" -v win_t="$win_t" '
        NR > 1 { t[NR] = $1; r[NR] = $2; n = NR }
        END {
            ref = 0
            for (i = 2; i <= n; i++) if (t[i] > ref_t - 30 && t[i] <= ref_t && r[i] > ref) ref = r[i]
            lo = 1e18; hi = 0; rlo = 1e18
            for (b = win_t; b + 30 <= t[n] + 1; b += 30) {
                m = 0
                for (i = 2; i <= n; i++) if (t[i] >= b && t[i] < b + 30 && r[i] > m) m = r[i]
                if (m == 0) continue
                if (m < lo) lo = m
                if (m > hi) hi = m
            }
            for (i = 2; i <= n; i++) if (t[i] >= win_t && r[i] < rlo) rlo = r[i]
            if (ref <= 0 || hi == 0) { print "memory: too few samples to judge"; exit 1 }
            dlo = (lo - ref) / ref * 100; dhi = (hi - ref) / ref * 100
            ok = dlo >= -5 && dhi <= 5
            printf "memory (highest of each 30 s): %.1f MB at %d s (reference); from %d s on %.1f..%.1f MB (%+.1f%%..%+.1f%%): %s; raw samples from %d s on %.1f..%.1f MB\n",
                ref / 1024, ref_t, win_t, lo / 1024, hi / 1024, dlo, dhi, ok ? "within 5%" : "OUTSIDE 5%",
                win_t, rlo / 1024, hi / 1024
            exit ok ? 0 : 1
        }' "$out/rss.csv" || pass=0
    if [ -s "$out/frames.txt" ]; then
        awk -v out="$out" '
            { n++; if ($1 > max) max = $1; if ($1 > 50) slow++; s += $1 }
            END {
                printf "frames: %d, mean %.1f ms, worst %.1f ms, %d over 50 ms: %s\n",
                    n, s / n, max, slow, slow ? "FAIL" : "ok"
                exit slow ? 1 : 0
            }' "$out/frames.txt" || pass=0
        # each slow frame with the last action before it (within 3 s; else "nothing just
        # before": a frame slow by itself), counted by kind
        if [ -s "$out/actions.txt" ] && awk 'NF >= 2 && $1 > 50 { f = 1 } END { exit !f }' "$out/frames.txt"; then
            awk 'FNR == NR { at[++na] = $1; $1 = ""; what[na] = substr($0, 2); next }
                NF >= 2 && $1 > 50 {
                    w = "nothing just before"
                    for (i = na; i >= 1; i--) if (at[i] <= $2) { if ($2 - at[i] <= 3) w = what[i]; break }
                    sub(/^key [1-8]$/, "key 1-8 (a lab)", w); sub(/^type .*/, "a bad file typed", w)
                    n[w]++; if ($1 > worst[w]) worst[w] = $1
                    ev[w] += $3; dr[w] += $4; pr[w] += $5
                }
                END { for (w in n) printf "  %d slow frame(s) after: %s (worst %.1f ms; on average events %.1f, drawing %.1f, present %.1f ms)\n",
                      n[w], w, worst[w], ev[w] / n[w], dr[w] / n[w], pr[w] / n[w] }' \
                "$out/actions.txt" "$out/frames.txt" | sort -rn >"$out/slow-frames.txt"
            cat "$out/slow-frames.txt"
        fi
    else
        echo "frames: not logged: the app does not write CONVSCOPE_FRAME_LOG (one line per presented frame, its milliseconds); the 50 ms rule is not judged"
    fi
    if ((pass)); then echo "verdict: PASS"; else echo "verdict: FAIL"; fi
} | tee "$report"

# ---- the plot (ImageMagick: a polyline over a grid) -------------------------------------------
awk -F, 'NR > 1 { t[++n] = $1; r[n] = $2 / 1024 }
    END {
        W = 900; H = 420; L = 70; R = 20; T = 40; B = 50
        tmax = t[n] > 0 ? t[n] : 1; rmax = 0; rmin = 1e18
        for (i = 1; i <= n; i++) { if (r[i] > rmax) rmax = r[i]; if (r[i] < rmin) rmin = r[i] }
        lo = rmin * 0.9; hi = rmax * 1.1; if (hi <= lo) hi = lo + 1
        printf "-size %dx%d xc:white -stroke gray80 ", W, H
        for (k = 0; k <= 4; k++) {
            y = T + (H - T - B) * k / 4; v = hi - (hi - lo) * k / 4
            printf "-draw \"line %d,%d %d,%d\" -stroke none -fill black -draw \"text 5,%d '\''%.0f MB'\''\" -stroke gray80 ", L, y, W - R, y, y + 4, v
        }
        printf "-stroke none -fill black -draw \"text %d,%d '\''0 s'\''\" -draw \"text %d,%d '\''%d s'\''\" ", L, H - 20, W - R - 50, H - 20, tmax
        printf "-draw \"text %d,25 '\''convscope soak: resident memory (MB) every 10 s'\''\" ", L
        printf "-fill none -stroke blue -strokewidth 2 -draw \"polyline"
        for (i = 1; i <= n; i++) printf " %.1f,%.1f", L + (W - L - R) * t[i] / tmax, T + (H - T - B) * (hi - r[i]) / (hi - lo)
        printf "\"\n"
    }' "$out/rss.csv" >"$out/plot.args"
if [ "$(wc -l <"$out/rss.csv")" -gt 2 ]; then
    eval convert "$(cat "$out/plot.args")" "$out/rss.png" && echo "plot: $out/rss.png"
fi
echo "files: $out (rss.csv, rss.png, report.txt, app.err)"
grep -q 'verdict: PASS' "$report"
