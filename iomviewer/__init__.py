"""iomviewer: explore how the International Organization for Migration is organised."""

__version__ = "0.1.0"
