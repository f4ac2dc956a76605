"""Reports: HTML pages with charts, built from screens and decisions."""
