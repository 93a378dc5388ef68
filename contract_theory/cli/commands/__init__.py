"""Sub-commands of the ``contract-theory`` command line (one module each)."""
