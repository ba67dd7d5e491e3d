"""User accounts: the custom `User` with the organisation-wide roles (HR, auditor)."""
