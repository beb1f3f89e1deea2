# ruff: noqa
# expected: 100
# expected-fallback: 90
# splice: sigmoid
# Tries to read the hidden tests, the gradebook, the course and the other submissions, to write
# to the gradebook and outside its folder, and to reach the network. If anything succeeds,
# sigmoid turns wrong (so the score shows it); in a namespace sandbox nothing does.
import os
import socket
import sqlite3

reached = []
for path in ["{REPO}/autograder/checks/a2_word2vec.py", "{GRADEBOOK}", "{COURSE}/source",
             "{SUBMISSIONS}", "{REPO}/.git"]:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        reached.append(path)
    except OSError:
        pass
try:
    sqlite3.connect("file:{GRADEBOOK}?mode=rw", uri=True).execute(
        "UPDATE grade SET auto_score = 100")
    reached.append("gradebook write")
except sqlite3.Error:
    pass
for path in ["{REPO}/evil.txt", "{SUBMISSIONS}/evil.txt"]:
    try:
        open(path, "w").write("x")
        reached.append(path)
    except OSError:
        pass
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2).close()
    reached.append("network")
except OSError:
    pass

# <solution>

if reached:
    def sigmoid(x):  # noqa: F811
        return np.zeros_like(np.asarray(x, dtype=float))
