from .reports import report_service

from .reports import ReportService
