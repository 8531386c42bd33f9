"""The `jingzhun` command: Django's management commands, with `demo` and `serve` added by the apps."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingzhun.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jingzhun", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
