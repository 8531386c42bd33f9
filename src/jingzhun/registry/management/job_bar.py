"""A background job run from a terminal (`jingzhun import --job ID`, `jingzhun export --job ID`), with a
progress bar on stderr instead of the page's progress file alone."""

import sys
from collections.abc import Callable

from django.core.management.base import CommandError

from jingzhun.errors import DomainError


def run_with_bar(run: Callable, job_id: int, unit: str):
    """`run(job_id, show=…)` with `show(done, total)` drawing the bar; a refused job ends the command."""
    from tqdm import tqdm

    with tqdm(unit=unit, file=sys.stderr, disable=None) as bar:
        def show(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            return run(job_id, show=show)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
