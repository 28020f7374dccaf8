"""Review's data access, one module per room, reading kept apart from recording.

- `read_model`: the case projection fed only by announced facts, and the ops reads of it.
- `publication` / `publication_records`: publicity, objections, publication, the public list.
- `triennial` / `triennial_records`: listed units after publication, yearly reports,
  removals, triennial reviews, spot checks, legacy lists.

The `*_records` modules hold what activities (and the few routes that record) call to write a
transition and its event; `records` is the activities' view of them; the others only read.
"""
