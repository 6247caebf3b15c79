"""Exports of a release: dumps and the DCAT-AP.de catalogue."""
