"""Territory Planner: sales territory design on a desktop."""

__version__ = "0.1.0"
