"""Runs of the app in a child process with a time and a memory budget. No streamlit here.

A planner's scenario is simulated and assessed in a separate process (forked from a server
that has twin imported once), under an address-space limit, and waited for at most
:data:`RUN_SECONDS`. A run over its budget is stopped and reported as one line the user
can act on; the app's own process never holds the run's memory, so one session's run
cannot take the server, or the other sessions, down. At most :data:`RUN_SLOTS` runs go
at once (the others wait their turn).
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import twin
from parkapp.scenarios import check
from twin.appraisal.assessment import Assessment
from twin.errors import InputError
from twin.kernel.results import Results
from twin.scenario.measures import apply_measures, selected

RUN_SECONDS = 120.0
"""Wall time of one run and assessment: the reference park's year takes ~5 s (run 2 s, assess
3 s, measured on the shared 2-core machine); 120 s is a park far beyond the largest real one."""
RUN_MEMORY_BYTES = 3 * 2**30
"""Address space of a run's process: the reference park's year peaks at 0.36 GB resident (the
libraries map ~1 GB of address space); 3 GB leaves room for any park within the schema's
limits, and a server of 8 GB for two runs beside the app."""
RUN_SLOTS = 2
"""Runs at once: the server's cores (more only slows every run down)."""

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["parkapp.budget"])  # children start with twin imported
_SLOTS = threading.BoundedSemaphore(RUN_SLOTS)


def warm_up() -> None:
    """Start the fork server now, in the background: it imports twin once (~10 s), which the
    first run would otherwise wait for."""
    from multiprocessing import forkserver

    threading.Thread(target=forkserver.ensure_running, daemon=True).start()


class OverBudget(Exception):
    """A run passed its time or memory budget (``kind``: ``time`` or ``memory``)."""

    def __init__(self, kind: str, limit: float):
        self.kind, self.limit = kind, limit
        super().__init__(f"{kind} budget of {limit:g} exceeded")


@dataclass
class Simulated:
    """A run, its assessment, and the measures it includes."""

    results: Results
    assessment: Assessment
    seconds: float  # simulation and assessment
    measures: list[str]  # ids of the measures in service
    measures_total: int  # measures in the scenario


def run_and_assess(content: str, source: str, origin: str, year: int | None,
                   off: tuple[str, ...] = ()) -> Simulated:
    """Run and assess a scenario given as canonical JSON, with its measures in service by ``year``
    but those switched ``off``."""
    start = time.perf_counter()
    scenario = check(json.loads(content), source, origin)
    chosen, total = selected(scenario, year, off), len(scenario.measures)
    if total:
        scenario = apply_measures(scenario, chosen)
    results = twin.run(scenario)
    assessment = twin.assess(results)
    return Simulated(results, assessment, time.perf_counter() - start, [m.id for m in chosen], total)


def within_budget(fn: Callable[..., Any], *args: Any, seconds: float = RUN_SECONDS,
                  memory_bytes: int = RUN_MEMORY_BYTES) -> Any:
    """``fn(*args)`` in a child process under the budget; its InputError is raised here.

    Raises
    ------
    OverBudget
        The run took longer than ``seconds`` or needed more than ``memory_bytes``.
    """
    with _SLOTS:
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        child = _CONTEXT.Process(target=_child, args=(sender, fn, args, memory_bytes), daemon=True)
        child.start()
        sender.close()
        try:
            if not receiver.poll(seconds):
                raise OverBudget("time", seconds)
            kind, value = receiver.recv()
        except EOFError:  # the child died without a word: killed for its memory
            raise OverBudget("memory", memory_bytes) from None
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
    if kind == "memory":
        raise OverBudget("memory", memory_bytes)
    if kind == "input":
        raise InputError(value)
    if kind == "error":
        raise RuntimeError(f"the run failed in its process: {value}")
    return value


def _child(sender: Any, fn: Callable[..., Any], args: tuple, memory_bytes: int) -> None:
    """Run ``fn`` under an address-space limit; send back (kind, value)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        message: tuple[str, Any] = ("ok", fn(*args))
    except InputError as exc:
        message = ("input", exc.problems)
    except MemoryError:
        message = ("memory", None)
    except Exception as exc:  # noqa: BLE001 (a bug: raised again in the app's process)
        message = ("error", f"{exc.__class__.__name__}: {exc}")
    sender.send(message)
    sender.close()
