"""``python -m symbiosis``: the command line, as the ``symbiosis`` command runs it."""

from symbiosis.cli import main

if __name__ == "__main__":
    main()
