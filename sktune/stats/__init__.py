"""Significance tests for comparing models: is the better score real or luck?

Cross-validated scores are noisy and correlated: the training sets of two folds
overlap, so the fold scores are not independent and a plain paired t-test on
them is far too confident (Dietterich 1998; Nadeau & Bengio 2003). The tests
here account for that.

Which test when
---------------
Two models, one data set, scores from (repeated) k-fold CV
    :func:`corrected_ttest` (frequentist) or :func:`bayesian_correlated_ttest`
    (probabilities of "A better", "practically equal", "B better").
Two models, one data set, and you can afford 5 x 2-fold CV
    :func:`paired_ttest_5x2cv` or the more robust :func:`combined_ftest_5x2cv`
    (scores from :func:`scores_5x2cv`).
Two classifiers, one test set, one prediction each
    :func:`mcnemar`.
Two models over several data sets
    :func:`wilcoxon_test`, or :func:`bayesian_signed_rank` for probabilities.
Several models over several data sets
    :func:`friedman_test`, then :func:`posthoc_friedman` for which pairs
    differ, or which models differ from a control (Demšar 2006).
Many p-values at once
    :func:`multipletests` (Holm, Bonferroni, Hochberg, Benjamini-Hochberg...).
Candidates of a fitted search against its best
    :func:`compare_candidates`.

The package is split by question: ``_results`` (the result objects),
``_two_models``, ``_several_datasets`` (with the post-hoc tests),
``_multitest`` and ``_candidates``; :func:`scores_5x2cv`, which fits
estimators, lives in :mod:`sktune.nested` and is re-exported here.

Every function validates its input first and returns a result object with
``statistic`` and ``pvalue`` (and ``df`` where defined), never a bare tuple.
The results carry an effect size (``effect_size``, named by
``effect_size_name``); the t-tests' results have ``confidence_interval()``
and the Bayesian t-test's ``credible_interval()``.

References
----------
.. [1] Dietterich, T. G. (1998). Approximate statistical tests for comparing
   supervised classification learning algorithms. Neural Computation 10(7).
.. [2] Nadeau, C. & Bengio, Y. (2003). Inference for the generalization
   error. Machine Learning 52(3).
.. [3] Bouckaert, R. R. & Frank, E. (2004). Evaluating the replicability of
   significance tests for comparing learning algorithms. PAKDD.
.. [4] Alpaydin, E. (1999). Combined 5 x 2 cv F test for comparing supervised
   classification learning algorithms. Neural Computation 11(8).
.. [5] Demšar, J. (2006). Statistical comparisons of classifiers over
   multiple data sets. JMLR 7.
.. [6] Benavoli, A., Corani, G., Demšar, J. & Zaffalon, M. (2017). Time for a
   change: a tutorial for comparing multiple classifiers through Bayesian
   analysis. JMLR 18.
.. [7] McNemar, Q. (1947). Note on the sampling error of the difference
   between correlated proportions or percentages. Psychometrika 12(2).
.. [8] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics 6(2).
.. [9] Benavoli, A., Corani, G., Mangili, F., Zaffalon, M. & Ruggeri, F.
   (2014). A Bayesian Wilcoxon signed-rank test based on the Dirichlet
   process. ICML.
"""

from sktune.nested import (
    scores_5x2cv,
)
from sktune.stats._candidates import (
    compare_candidates,
)
from sktune.stats._multitest import (
    multipletests,
)
from sktune.stats._results import (
    BayesianResult,
    BayesianSignedRankResult,
    ConfidenceInterval,
    McNemarResult,
    PosthocResult,
    RankTestResult,
    TestResult,
)
from sktune.stats._several_datasets import (
    bayesian_signed_rank,
    bonferroni_dunn_critical_difference,
    friedman_test,
    nemenyi_critical_difference,
    posthoc_friedman,
    wilcoxon_test,
)
from sktune.stats._two_models import (
    bayesian_correlated_ttest,
    combined_ftest_5x2cv,
    corrected_ttest,
    mcnemar,
    paired_ttest_5x2cv,
)

__all__ = [
    "BayesianResult",
    "BayesianSignedRankResult",
    "ConfidenceInterval",
    "McNemarResult",
    "PosthocResult",
    "RankTestResult",
    "TestResult",
    "bayesian_correlated_ttest",
    "bayesian_signed_rank",
    "bonferroni_dunn_critical_difference",
    "combined_ftest_5x2cv",
    "compare_candidates",
    "corrected_ttest",
    "friedman_test",
    "mcnemar",
    "multipletests",
    "nemenyi_critical_difference",
    "paired_ttest_5x2cv",
    "posthoc_friedman",
    "scores_5x2cv",
    "wilcoxon_test",
]
