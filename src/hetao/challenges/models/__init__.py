"""The challenges app's models, one module per part: topics, calls (challenges), bids, panel (experts,
conflicts, assignment) and reviews (review, consensus, defence, award)."""

from .bids import (
                   IDENTIFYING_FIELDS,
                   Bid,
                   BidDocument,
                   BidMember,
                   BidMilestone,
                   BidStatus,
                   BudgetCategory,
                   BudgetLine,
                   Clarification,
                   MemberStatus,
)
from .calls import (
                   NON_MERIT_TERMS,
                   PUBLIC_CHALLENGE_STATES,
                   Challenge,
                   ChallengeAttachment,
                   ChallengeQuestion,
                   ChallengeStatus,
                   Criterion,
                   EligibilityKind,
                   EligibilityRule,
)
from .panel import Assignment, AssignmentRun, ConflictOverride, Declaration, Expert, ExpertStatus, RunStatus, Sector
from .reviews import (
                   Award,
                   Consensus,
                   ConsensusScore,
                   ConsensusStatus,
                   Defence,
                   DefenceMode,
                   Review,
                   ReviewStatus,
                   Score,
)
from .topics import DEFAULT_SUPPORT_THRESHOLD, SCREENED, Currency, Status, Topic, TopicComment, TopicSupport

__all__ = [
    "DEFAULT_SUPPORT_THRESHOLD", "IDENTIFYING_FIELDS", "NON_MERIT_TERMS", "PUBLIC_CHALLENGE_STATES", "SCREENED",
    "Assignment", "AssignmentRun", "Award", "Bid", "BidDocument", "BidMember", "BidMilestone", "BidStatus",
    "BudgetCategory", "BudgetLine", "Challenge", "ChallengeAttachment", "ChallengeQuestion", "ChallengeStatus",
    "Clarification", "ConflictOverride", "Consensus", "ConsensusScore", "ConsensusStatus", "Criterion", "Currency",
    "Declaration", "Defence", "DefenceMode", "EligibilityKind", "EligibilityRule", "Expert", "ExpertStatus",
    "MemberStatus", "Review", "ReviewStatus", "RunStatus", "Score", "Sector", "Status", "Topic", "TopicComment",
    "TopicSupport",
]
