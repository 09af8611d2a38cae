# nbgrader settings for a course folder built by `python -m course_tools.grading prepare` (README, "Teaching with
# this course").
c = get_config()  # noqa: F821  (nbgrader provides get_config when it reads this file)

# Full-mode trainings take minutes; nbgrader's default of 30 s per cell would cut them off.
c.Execute.timeout = 3600

# Autograde: read the student's code first (tamper report), run the notebook in the bubblewrap sandbox
# (course_tools.sandbox; COURSE_GRADING_SANDBOX=off runs it without), then record what the run showed. The other
# steps are nbgrader's own, in nbgrader's order.
c.Autograde.autograde_preprocessors = [
    "course_tools.grading.TamperScan",
    "course_tools.sandbox.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "course_tools.grading.TamperReport",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# `nbgrader export` writes grades.csv with one more column, tamper_flags.
c.ExportApp.plugin_class = "course_tools.grading.GradesWithTamperFlags"
