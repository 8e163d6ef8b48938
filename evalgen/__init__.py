"""evalgen: annual quality-work assessment (质量工作考核) scoring and reports."""

__version__ = "0.1.0"
