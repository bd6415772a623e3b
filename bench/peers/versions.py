"""The versions of the Python peers and the BLAS library NumPy runs on, as one JSON object;
a missing package is null."""
import json
import platform

versions = {"python": platform.python_version(), "numpy": None, "torch": None, "blas": None}
try:
    import numpy as np

    versions["numpy"] = np.__version__
    np.ones((4, 4)) @ np.ones((4, 4))
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "openblas" in line.lower() or "libblas" in line}
    versions["blas"] = ", ".join(sorted("/".join(lib.split("/")[-2:]) for lib in libs)) or None
except ImportError:
    pass
try:
    import torch

    versions["torch"] = torch.__version__
except ImportError:
    pass
print(json.dumps(versions))
