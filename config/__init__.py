"""Django project configuration for jixiao: settings, URLs, WSGI."""
