"""matplotlib's backend in the sandbox, selected through MPLBACKEND: it draws with Agg, and show()
turns the open figures into image/png outputs of the run. There is no DOM in the worker."""

from matplotlib.backend_bases import FigureManagerBase as FigureManager  # noqa: F401
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas  # noqa: F401


def show(*args, **kwargs):
    import _ai_sandbox

    _ai_sandbox.flush_figures()
