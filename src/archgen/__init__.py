"""archgen: system designs as code, checked for single points of failure and published as diagrams and docs."""

__version__ = "0.1.0"
