from .reports import ReportService
