"""Property estimators: pure functions from MD time series (and QM results) to values with standard errors."""
