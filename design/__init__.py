"""Active-learning campaigns: ask/tell Bayesian optimisation over the candidate library (single and
multi-objective, batches, Pareto fronts), with MD labels from :mod:`polyloop.simulate` run inline or on Dask.
Depends on :mod:`polyloop.surrogate`, :mod:`polyloop.library` and :mod:`polyloop.simulate`; nothing imports it.
"""
