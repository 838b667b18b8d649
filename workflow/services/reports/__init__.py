"""Review-period reports (sơ kết, tổng kết): periods, the indicator catalogue, filing and review, consolidation."""

from workflow.services.reports import consolidation, filing, indicators, periods

__all__ = ["consolidation", "filing", "indicators", "periods"]
