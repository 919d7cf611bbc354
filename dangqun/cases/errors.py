from __future__ import annotations

from dangqun.core.errors import ForbiddenError
from dangqun.core.workflow import GuardConflictError, TransitionNotAllowedError

__all__ = ["ForbiddenError", "GuardConflictError", "TransitionNotAllowedError"]
