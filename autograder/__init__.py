"""The course's grader: nbgrader notebooks in, trusted grades and feedback out.

    python -m autograder release ASSIGNMENT
    python -m autograder grade ASSIGNMENT SUBMISSION... [--jobs N] [--out DIR] [--timeout S]
    python -m autograder check NOTEBOOK
    python -m autograder gradescope ASSIGNMENT [--out DIR]

Student code runs only in ``sandbox`` (a separate, limited process tree that sees none of the
course); ``harness`` is what runs there. The verdict is computed here, in the trusted process,
by ``verdict`` with the hidden tests of ``checks/<assignment>.py`` from plain data
(``protocol``). ``notebook`` reads submissions, ``grade`` runs one or a batch,
``report`` writes results.json / feedback / grades.csv, ``gradebook`` the nbgrader gradebook and
``gradescope`` a Gradescope autograder bundle.
"""
