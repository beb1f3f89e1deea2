"""nbgrader configuration of the course (run nbgrader, or `python -m autograder`, in this folder).

Layout: source/<assignment>/ holds the instructor's notebooks (solutions between
``### BEGIN SOLUTION`` and ``### END SOLUTION``); `python -m autograder release <assignment>`
writes the student version to release/<assignment>/. Hidden tests are not in the notebooks:
they live with the grader (autograder/checks/<assignment>.py). gradebook.db, release/,
submitted/, autograded/ and feedback/ are generated and not committed.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "dlnlp"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0]
c.CourseDirectory.db_url = "sqlite:///" + __file__.rsplit("/", 1)[0] + "/gradebook.db"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The student version keeps no outputs; the grader never executes the released notebook.
c.ClearOutput.enabled = True
