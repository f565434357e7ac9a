"""Surrogate tests run their linear algebra on one thread: on a shared 2-core machine a second BLAS thread mostly
waits for the other engineers' processes (measured: 6x slower fits under load)."""

import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """Limit BLAS/OpenMP pools and torch to one thread for the surrogate tests."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(previous)
