"""The build: validation, reasoning, incremental builds and publishing a release."""
