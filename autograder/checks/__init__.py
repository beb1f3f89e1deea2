"""Hidden tests, one module per assignment (``<assignment>.py``), loaded by ``grade``.

Each module defines ``ASSIGNMENT``, ``NOTEBOOK``, ``ANSWERS`` ({answer cell: functions}),
``PARTS`` ({nbgrader test cell: points}) and ``TESTS`` (a list of ``verdict.Test``). Like
``assignments/source``, this folder belongs in the instructors' private copy of the course.
"""
