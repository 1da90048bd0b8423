"""The `symbiosis` command line: one module per group of commands, one error boundary (`main.py`)."""
