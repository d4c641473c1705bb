"""Progress of long steps that moves, on a terminal and in a log.

On a terminal: one live line per step (spinner, elapsed time, the latest output line), as
rich draws it. In a log (output is not a terminal, e.g. CI or `make demo > log`), rich draws
nothing until the end, so a step would sit silent for minutes: there a step prints a start
line, then every ``GROWTH_LEDGER_PROGRESS_SECONDS`` seconds (default 30) one line with its
elapsed time, how many output lines it wrote and the latest one, then a done line. Short,
and it moves.

`StepProgress` offers the part of `rich.progress.Progress` the callers use (`add_task`,
`update`, use as a context manager), so it replaces it without other changes.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

INTERVAL_ENV = "GROWTH_LEDGER_PROGRESS_SECONDS"
DEFAULT_INTERVAL = 30.0
LAST_LINE_WIDTH = 70


def progress_interval() -> float:
    try:
        return max(0.2, float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


@dataclass
class _Step:
    description: str
    started: float = field(default_factory=time.perf_counter)
    lines: int = 0
    last: str = ""
    finished: bool = False


def _plain(markup: str) -> str:
    return Text.from_markup(markup).plain


class StepProgress:
    """Live progress lines on a terminal, periodic plain lines in a log."""

    def __init__(self, console: Console | None = None, *, disable: bool = False) -> None:
        self.console = console or Console(stderr=True)
        self.disable = disable
        self.live = self.console.is_terminal and not disable
        self._rich = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[last]}"),
            console=self.console,
            disable=not self.live,
        )
        self._steps: dict[int, _Step] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> StepProgress:
        self._rich.__enter__()
        if not self.live and not self.disable:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        self._rich.__exit__(kind, error, traceback)

    def add_task(self, description: str, total: float | None = 1, last: str = "") -> int:
        task = self._rich.add_task(description, total=total, last=last)
        with self._lock:
            self._steps[task] = _Step(_plain(description))
        self._log(f"{_plain(description)}: started")
        return task

    def update(
        self,
        task: int,
        *,
        description: str | None = None,
        completed: float | None = None,
        last: str | None = None,
    ) -> None:
        """As rich's update; a new line of output is given as `last`."""
        fields: dict[str, object] = {}
        with self._lock:
            step = self._steps[task]
            if last is not None:
                step.lines += 1
                step.last = last
                fields["last"] = escape(last[:LAST_LINE_WIDTH])
            if description is not None:
                step.description = _plain(description)
                fields["description"] = description
            done = completed is not None and not step.finished
            if done:
                step.finished = True
                fields["completed"] = completed
        self._rich.update(task, **fields)
        if done:
            self._log(f"{step.description}: done in {self._elapsed(step)}")
        elif description is not None:
            self._log(f"{step.description} ({self._elapsed(step)})")

    def line(self, task: int, text: str) -> None:
        """Record one line of the step's output."""
        self.update(task, last=text)

    def _elapsed(self, step: _Step) -> str:
        return f"{time.perf_counter() - step.started:.0f}s"

    def _log(self, message: str) -> None:
        if not self.live and not self.disable:
            self.console.print(message, markup=False, highlight=False, soft_wrap=True)

    def _tick(self) -> None:
        interval = progress_interval()
        while not self._stop.wait(interval):
            with self._lock:
                running = [step for step in self._steps.values() if not step.finished]
                messages = [
                    f"{step.description}: {self._elapsed(step)}"
                    + (
                        f", {step.lines} lines; last: {step.last[:LAST_LINE_WIDTH]}"
                        if step.lines
                        else ""
                    )
                    for step in running
                ]
            for message in messages:
                self._log(message)
