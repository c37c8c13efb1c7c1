"""Loading and validating the YAML content under knowledge/."""
