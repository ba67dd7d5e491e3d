"""API services: tokens, the bulk upload of facts, trial scoring."""

from jixiao.api.services.facts import FactRow, RowError, facts_upsert
from jixiao.api.services.tokens import (
    TokenExpired,
    token_authenticate,
    token_create,
    token_revoke,
)
from jixiao.api.services.trial import scheme_trial_score

__all__ = [
    "FactRow",
    "RowError",
    "TokenExpired",
    "facts_upsert",
    "scheme_trial_score",
    "token_authenticate",
    "token_create",
    "token_revoke",
]
