"""Every write of the challenges app, one module per part: topics (选题征集), calls (challenges, their rubric and
Q&A), bids (团队揭榜), panel (experts, conflicts, assignment) and reviews (review, consensus, ranking, award).
Each service takes the actor, checks the permission, validates, writes under a lock, audits and schedules its
side effects after commit."""

from .topics import (
                     EDITABLE_FIELDS,
                     topic_comment,
                     topic_propose,
                     topic_publish,
                     topic_save,
                     topic_screen,
                     topic_submit,
                     topic_support,
                     topic_support_withdraw,
)

__all__ = ["EDITABLE_FIELDS", "topic_comment", "topic_propose", "topic_publish", "topic_save", "topic_screen",
           "topic_submit", "topic_support", "topic_support_withdraw"]
