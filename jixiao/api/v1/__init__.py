"""Version 1 of the JSON API, mounted at `/api/v1/`; its OpenAPI document is
`/api/v1/openapi.json` and the interactive docs `/api/v1/docs`."""

from __future__ import annotations

from ninja import NinjaAPI

from jixiao.api.v1 import (
    appeals,
    appraisals,
    dictionary,
    errors,
    facts,
    jobs,
    organization,
    schemes,
    strategy,
)
from jixiao.api.v1 import tokens as token_routes
from jixiao.api.v1.auth import AUTH

api = NinjaAPI(
    title="jixiao API",
    version="1",
    description=(
        "KPI appraisal data for the systems around jixiao: feed facts, read results."
        " Authenticate with `Authorization: Bearer <token>` (a personal token `jxp_…`,"
        " or a service token `jxs_…` made by HR), or with the web session."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    auth=AUTH,
)
errors.install(api)
api.add_router("", token_routes.router)
api.add_router("", organization.router)
api.add_router("", dictionary.router)
api.add_router("", schemes.router)
api.add_router("", appraisals.router)
api.add_router("", facts.router)
api.add_router("", appeals.router)
api.add_router("", jobs.router)
api.add_router("", strategy.router)
