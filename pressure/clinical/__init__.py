"""The clinical record: clients, body sites and sides, pain ratings, PPT outcomes across visits.

Qt-free (numpy and the standard library). ``clients`` keeps the client list (SQLite, 0600);
``records`` finds, erases and moves a client's recordings; ``archive`` exports and imports them;
``sites`` names the places measured; ``ppt`` turns recordings into the PPT protocol's numbers;
``report`` / ``html`` / ``bodymap`` make the client's report (docs/clinical.md).
"""
