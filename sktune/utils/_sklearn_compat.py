"""The only module that imports private scikit-learn names.

scikit-learn's search machinery (``BaseSearchCV`` and its ``_run_search``
hook) and its declarative parameter validation live in private modules. A
scikit-learn upgrade that moves them is fixed here, in one place.
"""

from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = ["BaseSearchCV", "HasMethods", "Interval", "StrOptions"]
