# nbgrader settings for a course folder built from solutions/ (README, "Teaching with this course").
c = get_config()  # noqa: F821  (nbgrader provides get_config when it reads this file)

# Full-mode trainings take minutes; nbgrader's default of 30 s per cell would cut them off.
c.Execute.timeout = 3600
