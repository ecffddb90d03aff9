"""Reports, figures and exports built from the problem picture and the analysis."""
