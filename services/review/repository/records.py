"""What review's activities record, in one place: each a transition of a case, a batch or a
listed unit, written with the fact it announces."""

from services.review.repository.publication_records import (
    open_publicity,
    prepare_publication,
    record_decision,
    record_listing,
    record_transition,
)
from services.review.repository.triennial_records import (
    complete_rereview,
    open_rereview,
    record_removal,
    record_rereview_report,
    remind_rereview,
    yearly_report_due_event,
)

__all__ = [
    "complete_rereview",
    "open_publicity",
    "open_rereview",
    "prepare_publication",
    "record_decision",
    "record_listing",
    "record_removal",
    "record_rereview_report",
    "record_transition",
    "remind_rereview",
    "yearly_report_due_event",
]
