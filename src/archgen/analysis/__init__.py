"""Pure analyses of a design: failure (single points of failure) and capacity."""
