package dev.ledger.domain.value;

/** Why a follow ended. */
public enum FollowEndReason {
    /** The copier sent {@code Unfollow}. */
    UNFOLLOWED,
    /** The pair's net PnL fell by {@code maxLoss} or more below its value when the follow started. */
    LOSS_LIMIT
}
