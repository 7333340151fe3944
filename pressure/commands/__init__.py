"""One module per subcommand; each exposes ``register(subparsers)`` (see pressure/cli.py)."""
