"""The application's pages for everyone (Django templates + HTMX): the home page of
what waits for me, the employee's, manager's and data owner's pages, appeals and
the working calendar."""
