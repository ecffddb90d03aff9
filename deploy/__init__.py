"""Running Samsyn for several offices on one server: ``python -m deploy.shared`` (``make serve-shared``)."""
