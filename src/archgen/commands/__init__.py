"""One module per command; `archgen.api` is their public face and the CLI their thin front."""
