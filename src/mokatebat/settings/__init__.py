"""Settings entry point: ``MOKATEBAT_ENV`` picks dev (default), test, local (`make run`:
production-like on this machine, with the demo data) or production."""

import os

_env = os.environ.get("MOKATEBAT_ENV", "dev")
if _env == "production":
    from .production import *  # noqa: F403
elif _env == "test":
    from .test import *  # noqa: F403
elif _env == "local":
    from .local import *  # noqa: F403
elif _env == "dev":
    from .dev import *  # noqa: F403
else:
    raise RuntimeError(f"MOKATEBAT_ENV must be dev, test, local or production, not {_env!r}")
