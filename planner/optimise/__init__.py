"""Qt-free optimisation core: territory optimiser, p-median, unit graphs, routing.

Every function here takes and returns plain numpy arrays, so the plan model, the command line
and the benchmarks share one engine.
"""
