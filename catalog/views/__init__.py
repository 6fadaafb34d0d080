"""The artists' studio: where an artist's members run its pages, uploads and albums.

Every page is for the artist's members only: anyone else gets 404, as if the
page were not there (``lookups``). Each POST calls one service and redirects;
a refusal comes back as a form error (``refusals``) or a message
(``core.errors.refused``).

One module per family of pages: ``artists`` (the studio's home and an
artist's dashboard), ``members``, ``invitations`` (as the person invited sees
them), ``uploads``, ``tracks`` and ``albums``.
"""
