"""The organisation: units (with external providers), positions, employees,
absences, and the link from a user account to an employee."""
