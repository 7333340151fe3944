"""The clinical record: clients, body sites and sides, pain ratings, PPT outcomes across visits.

Qt-free (numpy and the standard library). ``clients`` keeps the client list (SQLite, 0600);
``records`` finds and erases a client's recordings; ``archive`` exports and imports them;
``sites`` names the places measured; ``measures`` reads trials and holds from a recording;
``ppt`` turns them into the PPT protocol's numbers; ``norms`` holds cited population values;
``report`` / ``html`` / ``bodymap`` / ``chart`` make the client's report; ``live`` is the
window's per-site summary (docs/clinical.md).
"""
