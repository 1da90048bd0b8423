"""The entry point and the one error boundary of the command line.

Bad input ends in one clear line per problem and exit code 1; a usage error
in typer's message and exit code 2; anything else in one sentence and exit
code 1, never a Python traceback (unless `--debug`).
"""

from __future__ import annotations

import sys

import typer

from symbiosis.cli import inventory, plan, report, whatif, workbook
from symbiosis.cli.app import environment, errors, global_options, settings_from
from symbiosis.core.problems import UserError
from symbiosis.core.words import Messages, say

MESSAGES: Messages = {
    "internal": (
        "erreur interne : {error} (relancez avec --debug pour le détail)",
        "internal error: {error} (run again with --debug for details)",
    ),
}


def build_app() -> typer.Typer:
    """The `symbiosis` application with every command registered."""
    app = typer.Typer(
        name="symbiosis",
        help="Symbiose industrielle : inventaire, mise en relation, optimisation, rapport.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(global_options)
    for group in (inventory, plan, whatif, report, workbook):
        group.register(app)
    return app


def main() -> None:
    """Run the command line as the shell calls it."""
    settings, args = settings_from(sys.argv[1:], environment())
    try:
        code = build_app()(args=args, prog_name="symbiosis", standalone_mode=False, obj=settings)
        sys.exit(code if isinstance(code, int) else 0)
    except UserError as error:
        out = errors()
        for line in error.lines(settings.lang):
            out.print(line, markup=False)
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as error:  # the last line of defence: one sentence, no traceback
        show, code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(code, int):  # a usage error, already worded by click
            show()
            sys.exit(code)
        if settings.debug:
            raise
        errors().print(say(MESSAGES, "internal", settings.lang, error=error), markup=False)
        sys.exit(1)
