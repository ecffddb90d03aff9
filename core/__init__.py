"""What every layer may import: configuration, user-facing errors, atomic files, formatting."""
