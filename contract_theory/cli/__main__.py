"""``python -m contract_theory.cli``: the command line."""

from contract_theory.cli import main

raise SystemExit(main())
