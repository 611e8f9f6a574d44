"""What grading leaves for people: the teacher's CSV, a feedback page per student, and a
class report. All of it plain files that read offline.

The CSV gets each row as soon as its submission is graded (flushed to disk), so a crash of
the grader loses nothing already graded, and a second run resumes: a submission whose
path and file are unchanged since its row (same SHA-256) is not graded again. A cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a return first) is
written with a leading ``'`` (OWASP's advice on CSV injection) and read back without it.
"""

import base64
import csv
import hashlib
import html
import io
import os
import stat
from collections import Counter
from pathlib import Path

FINAL = {"graded", "invalid"}  # statuses a re-run keeps; the others are graded again


def display_name(path):
    """A relative path as readable text, distinct for distinct paths: ``alice/02-softmax.ipynb``.

    A byte that is not UTF-8 shows as ``\\xNN``, a character that cannot be printed as its
    escape in a form no byte takes (``\\n``, ``\\uNNNN``, ``\\UNNNNNNNN``), and a backslash as
    two: the file named with the byte 0xA0, the one named with the four characters ``\\xa0``
    and the one named with the character U+00A0 keep rows of their own.
    """
    text = os.fsencode(Path(path)).decode("utf-8", "surrogateescape")
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
                   else "\\\\" if c == "\\" else c if c.isprintable() or c == " "
                   else _escape(c) for c in text)


def _escape(c):
    """An unprintable character's escape, never the ``\\xNN`` of a byte (U+0080 -> ``\\u0080``)."""
    escaped = c.encode("unicode_escape").decode()
    return "\\u00" + escaped[2:] if escaped.startswith("\\x") else escaped


def printable(text):
    """Text safe for a terminal and a CSV cell: control characters shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in text)


_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")


def _cell(value):
    """A CSV cell a spreadsheet shows as text (a leading ' hides, never runs, what follows)."""
    return "'" + value if value.startswith(_FORMULA) else value


def _uncell(value):
    return value[1:] if value.startswith("'") else value


def fingerprint(path):
    """The SHA-256 of a regular file, or of its kind and error for anything else (never read
    through a link, never an exception: one odd entry must not stop the run)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return hashlib.sha256(b"not a regular file").hexdigest()
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as err:
        return hashlib.sha256(f"unreadable: {err.errno}".encode()).hexdigest()


class GradeBook:
    """The CSV, one row per submission, written as each one is graded."""

    def __init__(self, path, points):
        self.path, self.points = Path(path), points
        self.fields = ["submission", *points, "total", "possible", "status", "flags", "reason", "failed", "seconds",
                       "sha256"]
        self.rows = self._read()

    def _read(self):
        if not self.path.exists():
            return {}
        with open(self.path, newline="", encoding="utf-8") as f:
            rows = [{k: _uncell(v or "") for k, v in r.items()} for r in csv.DictReader(f)]
        if rows and list(rows[0]) != self.fields:  # another assignment's, or edited by hand: never overwrite it
            columns = ", ".join(list(rows[0])[:4])
            raise ValueError(f"{self.path} has other columns than this assignment's grades ({columns}...): "
                             "grade into another CSV, or move it away to grade everything again")
        return {r["submission"]: r for r in rows}

    def done(self, name, digest):
        row = self.rows.get(name)
        return row is not None and row["sha256"] == digest and row["status"] in FINAL

    def add(self, name, digest, result):
        total = sum(result.scores.get(q, 0.0) for q in self.points)
        self.rows[name] = {"submission": name, **{q: f"{result.scores.get(q, 0.0):g}" for q in self.points},
                           "total": f"{total:g}", "possible": f"{sum(self.points.values()):g}",
                           "status": result.status, "flags": "; ".join(result.flags), "reason": result.reason,
                           "failed": "; ".join(c.name for cs in result.feedback.values() for c in cs if not c.passed),
                           "seconds": f"{result.seconds:.1f}", "sha256": digest}
        self.save()
        return self.rows[name]

    def save(self):
        """Rewrite the whole file through a temporary one: a crash leaves the old or the new."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.fields)
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in self.rows[name].items()} for name in sorted(self.rows))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
body {{ color: #1a1a1a; }} table {{ border-collapse: collapse; }}
td, th {{ padding: .25rem .75rem; border-bottom: 1px solid #ccc; text-align: left; }}
pre {{ white-space: pre-wrap; background: #f4f4f4; padding: .5rem; }}
.fail {{ color: #a40000; }} .pass {{ color: #0b6e0b; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #121212; color: #e8e8e8; }} pre {{ background: #222; }}
  .fail {{ color: #ff8a8a; }} .pass {{ color: #7fd67f; }} }}
</style></head><body>
{body}
</body></html>
"""

HIDDEN_HINT = "a hidden test: re-read the question, and try your answer on the cases it names (huge logits, ties…)"


def feedback_page(assignment, name, row, result, points):
    """A student's feedback: the score per question, why public tests failed, hidden ones by name."""
    e = html.escape
    parts = [f"<h1>{e(assignment)}: feedback for {e(name)}</h1>",
             f"<p>Score: <strong>{row['total']} / {row['possible']}</strong> ({e(row['status'])})</p>"]
    if result.reason:
        parts.append(f"<p>Note: {e(result.reason)}</p>")
    parts.append("<table><tr><th>question</th><th>score</th></tr>" + "".join(
        f"<tr><td>{e(q)}</td><td>{result.scores.get(q, 0):g} / {p:g}</td></tr>" for q, p in points.items())
        + "</table>")
    for q, cases in result.feedback.items():
        failed = [c for c in cases if not c.passed]
        if not failed:
            continue
        parts.append(f"<h2>{e(q)}</h2>")
        for case in failed:
            if case.hidden:  # by name only: nothing the submission said during it
                parts.append(f"<p class='fail'>✗ {e(case.name)} — {e(HIDDEN_HINT)}</p>")
            else:
                parts.append(f"<p class='fail'>✗ {e(case.name)}</p><pre>{e(case.message[-3000:])}</pre>")
    return _PAGE.format(title=e(f"{assignment}: {name}"), body="\n".join(parts))


def write_feedback(folder, assignment, name, row, result, points):
    """The student's page, named by a readable prefix of its path, then a hash of the whole
    path, so two students' pages never collide."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)[-60:]
    tag = hashlib.sha256(name.encode("utf-8", "backslashreplace")).hexdigest()[:10]
    path = folder / f"feedback-{safe}-{tag}.html"
    path.write_text(feedback_page(assignment, name, row, result, points), encoding="utf-8")
    return path


def class_report(assignment, rows, points):
    """The teacher's page: score distributions per question as a figure, the most failed tests."""
    import matplotlib

    matplotlib.use("Agg")  # a file, not a window
    import matplotlib.pyplot as plt

    graded = [r for r in rows.values() if r["status"] == "graded"]
    failures = Counter(t for r in graded for t in r["failed"].split("; ") if t)
    fig, axes = plt.subplots(1, len(points), figsize=(3 * len(points), 2.6), squeeze=False)
    for ax, (q, p) in zip(axes[0], points.items(), strict=True):
        ax.hist([float(r[q]) for r in graded], bins=min(10, max(2, int(p * 2) + 1)), range=(0, p), color="#0072B2")
        ax.set_title(f"{q} (of {p:g})")
        ax.set_xlabel("points")
    axes[0][0].set_ylabel("students")
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    plt.close(fig)
    e = html.escape
    statuses = Counter(r["status"] for r in rows.values())
    flagged = [r for r in rows.values() if r["flags"]]
    body = [f"<h1>{e(assignment)}: class report</h1>",
            f"<p>{len(rows)} submissions: " + ", ".join(f"{n} {e(s)}" for s, n in statuses.most_common()) + "</p>",
            f"<img alt='Histograms of the points each graded submission earned, one per question' "
            f"src='data:image/png;base64,{base64.b64encode(png.getvalue()).decode()}'>",
            "<h2>Most failed tests</h2><table><tr><th>test</th><th>failed by</th></tr>"
            + "".join(f"<tr><td>{e(t)}</td><td>{n}</td></tr>" for t, n in failures.most_common(15)) + "</table>",
            "<h2>To review</h2><table><tr><th>submission</th><th>status</th><th>flags</th><th>reason</th></tr>"
            + "".join(f"<tr><td>{e(r['submission'])}</td><td>{e(r['status'])}</td><td>{e(r['flags'])}</td>"
                      f"<td>{e(r['reason'])}</td></tr>"
                      for r in rows.values() if r["status"] != "graded" or r["flags"]) + "</table>"
            if flagged or len(graded) < len(rows)
            else "<p>Nothing to review: every submission was graded, none flagged.</p>"]
    return _PAGE.format(title=e(f"{assignment}: class report"), body="\n".join(body))
