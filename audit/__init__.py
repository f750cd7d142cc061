"""The change history. Two halves, which the other apps see at different heights
(tests/test_import_direction.py holds the layers):

* what records, low enough for every app's writes to use: `models` (the entry), `context`
  (who acts), `registry` (what is audited, named by model label so that audit imports none
  of those apps), `bulk` (entries of writes that send no signals), `middleware`;
* what shows, above the apps whose objects it shows: `selectors`, `display`, `forms`,
  `views`.

The recording half never imports the showing half.
"""
