"""The JSON API (`/api/v1/`): tokens, their scopes, and the HTTP interface in `v1/`."""
