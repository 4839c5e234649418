package dev.ledger.domain.copy;

import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * How much one follow books for one lead trade: the rules of "Mirroring a lead trade", as a pure
 * function of the lead trade, the follow's settings and the copier's position and margin in use. The
 * available check comes after, when the copier's account books the plan: an opening part that would
 * leave the copier's available below zero is dropped then ({@link Plan#withoutOpening}).
 */
public final class CopySizing {

    private CopySizing() {
    }

    /**
     * A lead trade as the copiers see it: the leader's accepted fill (or liquidation) of {@code quantity} at
     * {@code price}, against a position of {@code leaderPositionBefore} (0 when there was none) of which it
     * closed {@code closing}; the rest opened. A liquidation closes the whole position and has no fee (its
     * leverage and margin mode are not used).
     */
    public record LeadTrade(String id, String leader, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                            BigDecimal fee, int leverage, MarginMode marginMode, BigDecimal leaderPositionBefore,
                            BigDecimal closing, boolean liquidation) {
        public LeadTrade {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(side, "side");
            if (closing.compareTo(quantity) > 0 || closing.compareTo(leaderPositionBefore) > 0) {
                throw new IllegalArgumentException("the closing part " + closing + " exceeds the lead quantity "
                        + quantity + " or the leader's position " + leaderPositionBefore);
            }
        }

        /** A liquidation of the leader's position of {@code quantity}, closed at {@code price} by a {@code side} trade. */
        public static LeadTrade liquidation(String id, String leader, String symbol, Side side, BigDecimal quantity,
                                            BigDecimal price) {
            return new LeadTrade(id, leader, symbol, side, quantity, price, BigDecimal.ZERO, 1, MarginMode.CROSS, quantity,
                    quantity, true);
        }

        /** The part that opened or increased the leader's position ({@code o = q - c}). */
        public BigDecimal opening() {
            return quantity.subtract(closing);
        }

        /** Whether the lead trade closed the leader's position entirely ({@code c = Q}, Q > 0). */
        public boolean closesAll() {
            return closing.signum() > 0 && closing.compareTo(leaderPositionBefore) == 0;
        }

        /** The copier's fee for booking {@code booked}: {@code round8(leadFee * booked / q)}. */
        public BigDecimal feeFor(BigDecimal booked) {
            if (booked.signum() == 0 || fee.signum() == 0) {
                return BigDecimal.ZERO;
            }
            return fee.multiply(booked).divide(quantity, Decimals.SCALE, Decimals.ROUNDING);
        }
    }

    /** The settings of a follow that sizing reads; {@code active} is false for an ended follow. */
    public record Terms(boolean active, FollowMode mode, BigDecimal amount, BigDecimal ratio, BigDecimal maxTotalMargin) {
    }

    /**
     * What to book: {@code closing} of the copier's position and {@code opening} on the lead side; the outcome
     * if it books as planned ({@code wanted} is the opening the follow asked for before the cap).
     */
    public record Plan(BigDecimal closing, BigDecimal opening, BigDecimal wanted, CopyOutcome outcome, CopyReason reason) {

        /** The quantity to book, closing and opening together. */
        public BigDecimal quantity() {
            return closing.add(opening);
        }

        /** The plan when the opening part fails the available check: the closing part only, SKIPPED. */
        public Plan withoutOpening() {
            return new Plan(closing, BigDecimal.ZERO, wanted, CopyOutcome.SKIPPED, CopyReason.INSUFFICIENT_MARGIN);
        }
    }

    /**
     * The plan of one follow.
     *
     * @param position         the quantity of the copier's position {@code (symbol, leader)}, or null when it
     *                         holds none
     * @param marginInUse      the pair's margin in use in the symbol's settle asset
     * @param positionMargin   the margin in use of the copier's position {@code (symbol, leader)} (0 when none)
     */
    public static Plan plan(LeadTrade lead, Terms terms, BigDecimal position, BigDecimal marginInUse,
                            BigDecimal positionMargin) {
        BigDecimal closing = closingPart(lead, position);
        boolean closesPositionInFull = position != null && closing.compareTo(position) == 0 && closing.signum() > 0;
        BigDecimal zero = BigDecimal.ZERO;
        if (!terms.active()) {
            if (lead.closing().signum() == 0) {
                return new Plan(zero, zero, zero, CopyOutcome.SKIPPED, CopyReason.FOLLOW_ENDED);
            }
            return closingOnly(closing, position);
        }
        if (lead.liquidation() || lead.opening().signum() == 0) {
            return closingOnly(closing, position);
        }
        BigDecimal wanted = terms.mode() == FollowMode.RATIO
                ? rounddown8(lead.opening().multiply(terms.ratio()))
                : rounddown8(terms.amount().multiply(BigDecimal.valueOf(lead.leverage())).divide(lead.price(), DIVISION));
        if (wanted.signum() == 0) {
            return new Plan(closing, zero, zero, CopyOutcome.SKIPPED, CopyReason.QUANTITY_ZERO);
        }
        if (terms.maxTotalMargin() != null) {
            BigDecimal used = closesPositionInFull ? marginInUse.subtract(positionMargin) : marginInUse;
            BigDecimal room = rounddown8(terms.maxTotalMargin().subtract(used)
                    .multiply(BigDecimal.valueOf(lead.leverage())).divide(lead.price(), DIVISION));
            if (wanted.compareTo(room) > 0) {
                BigDecimal opening = room.max(zero);
                return new Plan(closing, opening, wanted,
                        opening.signum() > 0 ? CopyOutcome.CLIPPED : CopyOutcome.SKIPPED, CopyReason.TOTAL_MARGIN_CAP);
            }
        }
        return new Plan(closing, wanted, wanted, CopyOutcome.COPIED, null);
    }

    /**
     * The copier's share of the lead close: all of its position when the leader closed all of its own,
     * else {@code rounddown8(P * c / Q)}; nothing without a position or a closing part.
     */
    static BigDecimal closingPart(LeadTrade lead, BigDecimal position) {
        if (position == null || lead.closing().signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (lead.closesAll()) {
            return position;
        }
        return rounddown8(position.multiply(lead.closing()).divide(lead.leaderPositionBefore(), DIVISION));
    }

    private static Plan closingOnly(BigDecimal closing, BigDecimal position) {
        BigDecimal zero = BigDecimal.ZERO;
        if (position == null) {
            return new Plan(zero, zero, zero, CopyOutcome.SKIPPED, CopyReason.NO_POSITION);
        }
        if (closing.signum() == 0) {
            return new Plan(zero, zero, zero, CopyOutcome.SKIPPED, CopyReason.QUANTITY_ZERO);
        }
        return new Plan(closing, zero, zero, CopyOutcome.COPIED, null);
    }

    /** {@code x} cut to scale 8 towards zero: a copier never holds more than it asked for. */
    public static BigDecimal rounddown8(BigDecimal exact) {
        return exact.setScale(Decimals.SCALE, RoundingMode.DOWN);
    }

    /**
     * Divisions whose quotient is then cut to scale 8: truncated at 60 significant digits, far more than any
     * quotient of numbers within the Numbers rules needs, so cutting it again to scale 8 gives exactly the
     * exact quotient cut to scale 8.
     */
    private static final MathContext DIVISION = new MathContext(60, RoundingMode.DOWN);
}
