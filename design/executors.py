"""Executors that run MD labelling jobs: in-process, on a Dask ``LocalCluster``, or on Slurm/PBS through
dask-jobqueue. All answer one small protocol (:class:`Executor`): ``submit`` a job, collect what has ``done``,
count what is ``running``, ``close``.

A job that raises is retried ``retries`` times (on Dask by the scheduler, on any worker; a retry resumes the run
from its checkpoints, :func:`~polyloop.design.labelling.run_label_job`) and then comes back as a
:class:`JobFailed` carrying the reason. A worker that dies is replaced and its job re-run there (Dask's
``allowed-failures``); a finished result is never lost with a worker because it is on disk (``result.json``).

The executor is configured by the campaign file's ``[executor]`` table (:func:`make_executor`)::

    [executor]
    kind = "dask"          # "dask" (LocalCluster, the default), "inline" or "jobqueue"
    max_pending = 4        # jobs in flight (= Dask workers)
    retries = 1            # re-runs of a failing job before it is recorded as failed
    threads = 2            # OpenMP threads of each MD job (engine.threads); default: the preset's
    # dask only: workers (LocalCluster worker processes, default max_pending), memory_limit (per worker, "auto")
    # jobqueue only: scheduler = "slurm" | "pbs", queue, account, cores, memory, walltime,
    # job_extra_directives = [...], job_script_prologue = [...], interface, local_directory, log_directory, python
"""

from __future__ import annotations

import traceback
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from polyloop.design.labelling import LabelJob, run_label_job

__all__ = ["DaskExecutor", "Executor", "ExecutorError", "InlineExecutor", "JobFailed", "JobqueueExecutor",
           "Outcome", "check_executor_config", "make_executor"]

JobFunction = Callable[[LabelJob], dict]

COMMON_KEYS = {"kind", "max_pending", "retries", "threads"}
DASK_KEYS = {"memory_limit", "workers"}
JOBQUEUE_KEYS = {"scheduler", "queue", "account", "cores", "memory", "walltime", "job_extra_directives",
                 "job_script_prologue", "interface", "local_directory", "log_directory", "python"}


class ExecutorError(ValueError):
    """The ``[executor]`` table is malformed (the message names the key and what is allowed)."""


class JobFailed(RuntimeError):
    """A job failed on every attempt; ``reason`` is the last error, ``attempts`` how many runs were allowed."""

    def __init__(self, job: LabelJob, reason: str, attempts: int) -> None:
        super().__init__(f"candidate {job.candidate_id} failed after {attempts} attempt(s): {reason}")
        self.job, self.reason, self.attempts = job, reason, attempts


Outcome = tuple[LabelJob, "dict | JobFailed"]


class Executor(Protocol):
    """Runs labelling jobs asynchronously."""

    def submit(self, job: LabelJob) -> Any:
        """Queue ``job``; return a handle."""

    def done(self, timeout: float | None = None) -> list[Outcome]:
        """The jobs finished since the last call, each with its result record or :class:`JobFailed`; waits up to
        ``timeout`` seconds (None: until one finishes) when none has finished yet."""

    def running(self) -> int:
        """How many submitted jobs have not come back through :meth:`done` yet."""

    def close(self) -> None:
        """Release workers and clusters (jobs still running are abandoned; their run folders keep their progress)."""


def _reason(error: BaseException) -> str:
    """One line naming the error and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


class InlineExecutor:
    """Runs one job at a time in this process, when :meth:`done` is called (for debugging and tiny campaigns)."""

    def __init__(self, retries: int = 0, function: JobFunction = run_label_job) -> None:
        if retries < 0:
            raise ExecutorError(f"retries must be >= 0, got {retries}")
        self.retries, self.function = retries, function
        self._queue: deque[LabelJob] = deque()

    def submit(self, job: LabelJob) -> LabelJob:
        """Queue ``job`` (it runs at the next :meth:`done`)."""
        self._queue.append(job)
        return job

    def done(self, timeout: float | None = None) -> list[Outcome]:
        """Run the oldest queued job (with its retries) and return it; nothing when the queue is empty."""
        if not self._queue:
            return []
        job = self._queue.popleft()
        for attempt in range(self.retries + 1):
            try:
                return [(job, self.function(job))]
            except Exception as error:  # any failure of the job is recorded with its reason
                if attempt == self.retries:
                    return [(job, JobFailed(job, _reason(error), self.retries + 1))]
        raise AssertionError("unreachable")

    def running(self) -> int:
        """Queued jobs not yet run."""
        return len(self._queue)

    def close(self) -> None:
        """Forget queued jobs."""
        self._queue.clear()


class DaskExecutor:
    """Runs jobs on a Dask cluster: by default a ``LocalCluster`` of ``max_pending`` worker processes with one
    thread each (``workers`` overrides their number; the MD engine inside a job uses its own OpenMP threads; a job's
    failures are logged in its run folder, not by the workers). ``cluster`` may be any running Dask
    cluster (it is closed with the executor); ``resources`` are Dask worker resources each job claims."""

    def __init__(self, max_pending: int = 2, retries: int = 0, *, function: JobFunction = run_label_job,
                 cluster: Any = None, memory_limit: str | int = "auto", workers: int | None = None,
                 resources: dict[str, float] | None = None) -> None:
        import logging

        from distributed import Client, LocalCluster

        if max_pending < 1:
            raise ExecutorError(f"max_pending must be >= 1, got {max_pending}")
        if retries < 0:
            raise ExecutorError(f"retries must be >= 0, got {retries}")
        self.max_pending, self.retries, self.function, self.resources = max_pending, retries, function, resources
        if cluster is None:
            cluster = LocalCluster(n_workers=workers or max_pending, threads_per_worker=1, processes=True,
                                   dashboard_address=None, memory_limit=memory_limit,
                                   silence_logs=logging.CRITICAL)
        self.cluster = cluster
        self.client = Client(cluster)
        self._futures: dict[str, tuple[Any, LabelJob]] = {}

    def submit(self, job: LabelJob) -> Any:
        """Submit ``job`` to the cluster; return its future."""
        key = f"label-{job.candidate_id}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(self.function, job, key=key, retries=self.retries, pure=False,
                                    resources=self.resources)
        self._futures[key] = (future, job)
        return future

    def done(self, timeout: float | None = None) -> list[Outcome]:
        """Collect finished futures, waiting up to ``timeout`` s for the first when none has finished."""
        from distributed import wait

        if not self._futures:
            return []
        futures = [future for future, _ in self._futures.values()]
        if not any(future.done() for future in futures):
            try:
                wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                return []
        finished: list[Outcome] = []
        for key, (future, job) in list(self._futures.items()):
            if not future.done():
                continue
            del self._futures[key]
            if future.status == "finished":
                finished.append((job, future.result()))
            elif future.status == "cancelled":
                finished.append((job, JobFailed(job, "cancelled by the scheduler", self.retries + 1)))
            else:
                finished.append((job, JobFailed(job, _reason(future.exception()), self.retries + 1)))
            future.release()
        return finished

    def running(self) -> int:
        """Submitted jobs not yet collected by :meth:`done`."""
        return len(self._futures)

    def close(self) -> None:
        """Close the client and the cluster."""
        self.client.close()
        self.cluster.close()


class JobqueueExecutor(DaskExecutor):
    """Runs jobs on Slurm or PBS through dask-jobqueue: each batch job holds one Dask worker that runs one MD job at
    a time (worker resource ``label=1``) on ``cores`` cores. Up to ``max_pending`` batch jobs are requested on the
    first submission."""

    def __init__(self, max_pending: int = 2, retries: int = 0, *, function: JobFunction = run_label_job,
                 scheduler: str = "slurm", cores: int = 1, memory: str = "4GB", walltime: str = "04:00:00",
                 queue: str | None = None, account: str | None = None, job_extra_directives: list[str] = (),
                 job_script_prologue: list[str] = (), interface: str | None = None,
                 local_directory: str | None = None, log_directory: str | None = None,
                 python: str | None = None) -> None:
        from dask_jobqueue import PBSCluster, SLURMCluster

        kinds = {"slurm": SLURMCluster, "pbs": PBSCluster}
        if scheduler not in kinds:
            raise ExecutorError(f"executor.scheduler must be one of {sorted(kinds)}, got {scheduler!r}")
        options = {"queue": queue, "account": account, "interface": interface, "local_directory": local_directory,
                   "log_directory": log_directory, "python": python}
        cluster = kinds[scheduler](
            cores=cores, processes=1, memory=memory, walltime=walltime,
            job_extra_directives=list(job_extra_directives), job_script_prologue=list(job_script_prologue),
            worker_extra_args=["--resources", "label=1"],
            **{k: v for k, v in options.items() if v is not None})
        super().__init__(max_pending, retries, function=function, cluster=cluster, resources={"label": 1})
        self._scaled = False

    def job_script(self) -> str:
        """The batch script each worker job is submitted with."""
        return self.cluster.job_script()

    def submit(self, job: LabelJob) -> Any:
        """Submit ``job``; the first submission asks the batch system for ``max_pending`` worker jobs."""
        if not self._scaled:
            self.cluster.scale(jobs=self.max_pending)
            self._scaled = True
        return super().submit(job)


def _integer(config: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ExecutorError(f"executor.{key} must be an integer >= {minimum}, got {value!r}")
    return value


def check_executor_config(config: dict[str, Any]) -> str:
    """Check a campaign's ``[executor]`` table (module docstring) without starting anything; return its kind.

    Raises :class:`ExecutorError` for an unknown kind, a key the kind does not understand or a bad count.
    """
    kind = config.get("kind", "dask")
    if kind not in ("inline", "dask", "jobqueue"):
        raise ExecutorError(f"executor.kind must be 'inline', 'dask' or 'jobqueue', got {kind!r}")
    allowed = COMMON_KEYS | {"dask": DASK_KEYS, "jobqueue": JOBQUEUE_KEYS}.get(kind, set())
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise ExecutorError(f"executor keys {unknown} are not understood for kind {kind!r} "
                            f"(allowed: {sorted(allowed)})")
    _integer(config, "max_pending", 2, 1)
    _integer(config, "retries", 1, 0)
    _integer(config, "threads", 1, 0)
    _integer(config, "workers", 1, 1)
    return kind


def make_executor(config: dict[str, Any], *, function: JobFunction = run_label_job) -> Executor:
    """The executor described by a campaign's ``[executor]`` table (module docstring); unknown keys are errors."""
    kind = check_executor_config(config)
    max_pending = _integer(config, "max_pending", 2, 1)
    retries = _integer(config, "retries", 1, 0)
    if kind == "inline":
        return InlineExecutor(retries, function=function)
    if kind == "dask":
        workers = _integer(config, "workers", max_pending, 1)
        return DaskExecutor(max_pending, retries, function=function, workers=workers,
                            memory_limit=config.get("memory_limit", "auto"))
    options = {k: config[k] for k in JOBQUEUE_KEYS if k in config}
    options.setdefault("cores", max(1, int(config.get("threads", 1) or 1)))
    return JobqueueExecutor(max_pending, retries, function=function, **options)
