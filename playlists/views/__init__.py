"""The listener's pages: playlists, the library and people's profiles.

Every POST calls one service and redirects (or answers JSON to a script that
asks for it); a refusal comes back as a message (``core.errors.refused``) or,
to a script, as the API's error body (``core.errors.refusal_json``). A
playlist the visitor may not see answers 404, as if it were not there
(``lookups``).

One module per family of pages: ``playlists`` (a playlist's own pages),
``collaborators`` (as the owner manages them), ``invitations`` (as the person
invited sees them), ``items`` (the tracks in a playlist), ``library`` and
``people``.
"""
