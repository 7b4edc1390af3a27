"""Link Python references to scikit-learn, SciPy and NumPy without the network.

intersphinx needs each project's ``objects.inv``, which the build cannot
download. These three projects publish one page per public class and
function at a fixed address (``.../generated/<full name>.html``, methods as
an anchor of their class's page), so a reference such as
``:class:`~sklearn.model_selection.GridSearchCV``` or a numpydoc "See Also"
entry ``scipy.stats.wilcoxon`` that Sphinx cannot resolve here is turned into
a link there. Only names that import and are public (no ``_`` in the path)
are linked; modules and anything else stay unresolved, and ``nitpicky``
reports them unless conf.py's ``nitpick_ignore_regex`` lets them pass.
"""

import importlib
import inspect
from functools import cache

from docutils import nodes

PAGES = {
    "sklearn": "https://scikit-learn.org/stable/modules/generated/{}.html",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/{}.html",
    "numpy": "https://numpy.org/doc/stable/reference/generated/{}.html",
}


@cache
def url_of(target):
    """The documentation address of a public object of PAGES' projects, or None."""
    parts = target.split(".")
    if parts[0] not in PAGES or any(part.startswith("_") for part in parts):
        return None
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        break
    else:
        return None
    if split == len(parts):  # a module: its page has no fixed address
        return None
    owners = [obj]
    for attr in parts[split:]:
        try:  # some attributes raise (scikit-learn's experimental searches)
            obj = getattr(obj, attr, None)
        except Exception:
            return None
        if obj is None:
            return None
        owners.append(obj)
    page = PAGES[parts[0]]
    if len(owners) >= 3 and inspect.isclass(owners[-2]):  # a method or attribute
        return page.format(".".join(parts[:-1])) + "#" + target
    return page.format(target)


def resolve(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    url = url_of(target)
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url, reftitle=target)
    reference.append(contnode)
    return reference


def setup(app):
    app.connect("missing-reference", resolve)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
