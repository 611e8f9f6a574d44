"""Graded assignments for the book, on the teacher's own machine: no server, no Docker.

Parts, one idea each: `handouts` (otter assign: handouts, autograders, solutions),
`sandbox` (bubblewrap around each submission), `student` (what runs inside it), `grading`
(one submission: its code in the sandbox, the tests here), `flags` (what its code tries
beyond answering), `reports` (the CSV, feedback pages, the class report), `testing`
(helpers for the tests themselves) and `cli` (the commands). Needs the `classroom` extra
(otter-grader) except for `testing`.
"""
