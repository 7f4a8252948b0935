"""The Qt-free domain model: accounts, units, territories, reps, settings and balance."""
