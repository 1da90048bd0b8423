"""`python -m symbiosis` runs the command line."""

from symbiosis.cli.main import main

if __name__ == "__main__":
    main()
