"""Install the asyncio tracer into a listing's run, from outside the listing.

The build runs ``python3 <snippet>.py`` with ``PYTHONPATH`` set to this folder and
``OUTPUTCHECK_TRACE`` set to the JSON file to write. Python imports ``sitecustomize``
at startup, so the listing runs unchanged while its event loop is recorded. Without
``OUTPUTCHECK_TRACE`` this module only hands over to the ``sitecustomize`` it shadows,
if there is one, so putting this folder on ``PYTHONPATH`` changes nothing else.

The tracer is loaded by file path under a private module name: adding the project to
``sys.path`` would let the listing import the project's modules by accident.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _chain() -> None:
    """Run the ``sitecustomize`` this one shadows (a venv's or the system's), if any."""
    others = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["_outputcheck_chained_sitecustomize"] = module
    spec.loader.exec_module(module)


def _install(path: str) -> None:
    # Not inherited by subprocesses of the listing: they would overwrite this trace.
    del os.environ["OUTPUTCHECK_TRACE"]
    name = "_outputcheck_timeline_tracer"
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(os.path.dirname(_HERE), "tracer.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    module.install(path)


_chain()
if os.environ.get("OUTPUTCHECK_TRACE"):
    _install(os.environ["OUTPUTCHECK_TRACE"])
