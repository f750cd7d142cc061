"""Personal data (Decree 13/2023/NĐ-CP). Two halves, which the other apps see at different
heights (tests/test_import_direction.py holds the layers):

* what records, used by every page and export that shows or hands out personal data:
  `masking`, the access log's `models`, `services` (writing it) and `selectors` (reading
  it, for a person's page and the log page), the template filters;
* what shows, above every app whose data it gathers: `views`, `forms` and `own_data` (one's
  own data, from every app).

The recording half never imports the showing half.
"""
