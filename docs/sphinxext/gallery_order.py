"""The order of the gallery's examples: a story, not the alphabet."""

from pathlib import Path

ORDER = [
    "plot_swap_gridsearch.py",
    "plot_boosting_hyperband.py",
    "plot_skorch_net.py",
    "plot_pbt_schedule.py",
    "plot_nested_cv.py",
    "plot_refit_rules.py",
    "plot_importance.py",
    "plot_pareto_front.py",
    "plot_checkpoint_resume.py",
    "plot_dask.py",
    "quickstart.py",
    "nested_cv.py",
    "plots.py",
]


class ExampleOrder:
    """Sort key of sphinx-gallery's ``within_subsection_order``.

    Examples listed in ``ORDER`` come first, in that order; any other follows
    by file name, so a new example appears without editing this list.
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in ORDER:
            return (0, ORDER.index(name), name)
        return (1, 0, name)

    def __repr__(self):
        return "<ExampleOrder>"
