"""Batch classification: a file of incidents in, the same file out with a verdict and a reason code per treaty.
CSV, GeoJSON, newline-delimited GeoJSON and (with pyarrow, the `parquet` extra) Parquet; Dask for clusters; and
`classify` for arrays in Python.

Rows stream through in chunks of CHUNK_ROWS (memory stays bounded whatever the file's size) and keep their order
and every input column. A row that cannot be classified — no or unreadable coordinates, an out-of-range coordinate, an
unparsable date, an unknown party or target kind — is kept, with the verdict `error`, the error kind as its
reason, and a message in the `treatyscope_error` column: the output always has as many rows as the input.

A row's date is the calendar day written at the start of its date cell (a timestamp such as 2024-03-07T17:30Z
counts as 2024-03-07, with no time-zone conversion), as `check --date` takes whole days.

Each chunk is answered by the vectorised engine (evaluation.vectorised): a verdict is the one `treatyscope check
--at "LAT,LON"` gives at that point on that day, found once per distinct combination of the facts `check` reads and
reused for every row that shares them.
"""
