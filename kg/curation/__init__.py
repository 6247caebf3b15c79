"""Tools for curators: what the corpus still lacks (:mod:`~kg.curation.audit`), and curating
in the browser (issue 14): :mod:`~kg.curation.accounts`, :mod:`~kg.curation.proposals`,
:mod:`~kg.curation.publish`, :mod:`~kg.curation.history`, :mod:`~kg.curation.retired` and
:mod:`~kg.curation.preview`, with their data in :mod:`~kg.curation.db` (docs/curation.md);
forms and spreadsheets from the shapes: :mod:`~kg.curation.forms` (its fields in
:mod:`~kg.curation.formspec`, its live checks in :mod:`~kg.curation.checking`) and
:mod:`~kg.curation.spreadsheet` (docs/authoring.md, "Forms and spreadsheets")."""
