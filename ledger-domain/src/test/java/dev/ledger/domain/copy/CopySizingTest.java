package dev.ledger.domain.copy;

import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sizing rules of "Mirroring a lead trade", one by one, with the numbers of the worked example where
 * it has them (alice leads; bob copies by RATIO 0.5, carl by FIXED_AMOUNT 1000 capped at 1500, dan by RATIO 1;
 * BTCUSDT, leverage 10, ISOLATED).
 */
class CopySizingTest {

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static CopySizing.LeadTrade fill(Side side, String quantity, String price, String fee, String before,
                                             String closing) {
        return new CopySizing.LeadTrade("L", "alice", "BTCUSDT", side, d(quantity), d(price), d(fee), 10,
                MarginMode.ISOLATED, d(before), d(closing), false);
    }

    private static final CopySizing.Terms BOB = new CopySizing.Terms(true, FollowMode.RATIO, null, d("0.5"), null);
    private static final CopySizing.Terms CARL = new CopySizing.Terms(true, FollowMode.FIXED_AMOUNT, d("1000"), null, d("1500"));
    private static final CopySizing.Terms DAN = new CopySizing.Terms(true, FollowMode.RATIO, null, d("1"), null);

    private static void assertPlan(CopySizing.Plan plan, String closing, String opening, CopyOutcome outcome,
                                   CopyReason reason) {
        assertThat(plan.closing()).as("closing").isEqualByComparingTo(closing);
        assertThat(plan.opening()).as("opening").isEqualByComparingTo(opening);
        assertThat(plan.outcome()).as("outcome").isEqualTo(outcome);
        assertThat(plan.reason()).as("reason").isEqualTo(reason);
    }

    @Nested
    class OpeningPart {

        @Test
        void ratioTakesTheLeadOpeningTimesTheRatioRoundedDown() {
            // L1: BUY 0.2 with no position: bob wants rounddown8(0.2 * 0.5) = 0.1.
            assertPlan(CopySizing.plan(fill(Side.BUY, "0.2", "50000", "5", "0", "0"), BOB, null, d("0"), d("0")),
                    "0", "0.1", CopyOutcome.COPIED, null);
        }

        @Test
        void fixedAmountTakesTheMarginTimesLeverageOverThePriceWhateverTheLeadSize() {
            // L1: carl wants rounddown8(1000 * 10 / 50000) = 0.2, within his cap of 1500.
            assertPlan(CopySizing.plan(fill(Side.BUY, "0.2", "50000", "5", "0", "0"), CARL, null, d("0"), d("0")),
                    "0", "0.2", CopyOutcome.COPIED, null);
            // A lead trade ten times smaller asks the same margin of him.
            assertPlan(CopySizing.plan(fill(Side.BUY, "0.02", "50000", "0.5", "0", "0"), CARL, null, d("0"), d("0")),
                    "0", "0.2", CopyOutcome.COPIED, null);
        }

        @Test
        void maxTotalMarginClipsTheOpeningToTheRoomLeft() {
            // L2: carl wants rounddown8(1000 * 10 / 52000) = 0.19230769 but holds 1000 of margin already:
            // room = rounddown8(500 * 10 / 52000) = 0.09615384.
            CopySizing.Plan plan = CopySizing.plan(fill(Side.BUY, "0.1", "52000", "2.6", "0.2", "0"), CARL, d("0.2"),
                    d("1000"), d("1000"));
            assertPlan(plan, "0", "0.09615384", CopyOutcome.CLIPPED, CopyReason.TOTAL_MARGIN_CAP);
            assertThat(plan.wanted()).isEqualByComparingTo("0.19230769");
        }

        @Test
        void aCapWithNoRoomLeftSkipsTheOpening() {
            CopySizing.Plan plan = CopySizing.plan(fill(Side.BUY, "0.1", "52000", "2.6", "0.3", "0"), CARL, d("0.29"),
                    d("1500"), d("1500"));
            assertPlan(plan, "0", "0", CopyOutcome.SKIPPED, CopyReason.TOTAL_MARGIN_CAP);
        }

        @Test
        void marginOverTheCapGivesNegativeRoomAndSkipsToo() {
            CopySizing.Plan plan = CopySizing.plan(fill(Side.BUY, "0.1", "52000", "2.6", "0.3", "0"), CARL, d("0.29"),
                    d("1600"), d("1600"));
            assertPlan(plan, "0", "0", CopyOutcome.SKIPPED, CopyReason.TOTAL_MARGIN_CAP);
        }

        @Test
        void theMarginOfAPositionClosedInFullIsNotCountedAgainstTheCap() {
            // A flip: the leader (LONG 0.3) sells 0.5; carl's position closes in full, so its 1499.99 of margin
            // leaves room for a whole new opening of rounddown8(1000 * 10 / 50000) = 0.2.
            CopySizing.Plan plan = CopySizing.plan(fill(Side.SELL, "0.5", "50000", "0", "0.3", "0.3"), CARL,
                    d("0.29615384"), d("1499.999968"), d("1499.999968"));
            assertPlan(plan, "0.29615384", "0.2", CopyOutcome.COPIED, null);
        }

        @Test
        void anOpeningThatRoundsDownToZeroIsSkippedAsQuantityZero() {
            CopySizing.Terms tiny = new CopySizing.Terms(true, FollowMode.RATIO, null, d("0.00000001"), null);
            assertPlan(CopySizing.plan(fill(Side.BUY, "0.5", "50000", "1", "0", "0"), tiny, null, d("0"), d("0")),
                    "0", "0", CopyOutcome.SKIPPED, CopyReason.QUANTITY_ZERO);
        }

        @Test
        void withoutTheOpeningAPlanKeepsItsCloseAndIsSkippedForMargin() {
            CopySizing.Plan plan = CopySizing.plan(fill(Side.SELL, "0.5", "50000", "1", "0.3", "0.3"), DAN, d("0.1"),
                    d("520"), d("520")).withoutOpening();
            assertPlan(plan, "0.1", "0", CopyOutcome.SKIPPED, CopyReason.INSUFFICIENT_MARGIN);
        }
    }

    @Nested
    class ClosingPart {

        @Test
        void aPartialLeadCloseClosesTheSameShareOfTheCopierPositionRoundedDown() {
            // L3: alice sells 0.15 of her 0.3: carl closes rounddown8(0.29615384 / 2) = 0.14807692.
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.15", "53000", "3.975", "0.3", "0.15"), CARL, d("0.29615384"),
                    d("1499.999968"), d("1499.999968")), "0.14807692", "0", CopyOutcome.COPIED, null);
        }

        @Test
        void aLeadCloseOfEverythingClosesTheWholeCopierPosition() {
            // L4: alice sells her remaining 0.15: every copier closes what it holds.
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.15", "49000", "3.675", "0.15", "0.15"), BOB, d("0.075"),
                    d("380"), d("380")), "0.075", "0", CopyOutcome.COPIED, null);
        }

        @Test
        void aCloseWithNoCopierPositionIsSkippedAsNoPosition() {
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.15", "53000", "3.975", "0.3", "0.15"), DAN, null, d("0"), d("0")),
                    "0", "0", CopyOutcome.SKIPPED, CopyReason.NO_POSITION);
        }

        @Test
        void aProportionalCloseThatRoundsToZeroIsSkippedAsQuantityZero() {
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.1", "50000", "1", "1000", "0.1"), BOB, d("0.00001"), d("0.05"),
                    d("0.05")), "0", "0", CopyOutcome.SKIPPED, CopyReason.QUANTITY_ZERO);
        }

        @Test
        void theCopierFeeIsTheLeadFeeScaledByTheBookedQuantity() {
            CopySizing.LeadTrade l2 = fill(Side.BUY, "0.1", "52000", "2.6", "0.2", "0");
            assertThat(l2.feeFor(d("0.09615384"))).isEqualByComparingTo("2.49999984");
            CopySizing.LeadTrade l3 = fill(Side.SELL, "0.15", "53000", "3.975", "0.3", "0.15");
            assertThat(l3.feeFor(d("0.14807692"))).isEqualByComparingTo("3.92403838");
            assertThat(l3.feeFor(d("0"))).isEqualByComparingTo("0");
        }
    }

    @Nested
    class EndedFollows {

        private final CopySizing.Terms ended = new CopySizing.Terms(false, FollowMode.FIXED_AMOUNT, d("1000"), null, d("1500"));

        @Test
        void anEndedFollowMirrorsTheCloseOnly() {
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.15", "49000", "3.675", "0.15", "0.15"), ended, d("0.14807692"),
                    d("749.999984"), d("749.999984")), "0.14807692", "0", CopyOutcome.COPIED, null);
        }

        @Test
        void aFlipOfTheLeaderClosesAnEndedFollowsPositionAndOpensNothing() {
            assertPlan(CopySizing.plan(fill(Side.SELL, "0.5", "49000", "0", "0.15", "0.15"), ended, d("0.14807692"),
                    d("749.999984"), d("749.999984")), "0.14807692", "0", CopyOutcome.COPIED, null);
        }

        @Test
        void aLeadTradeWithNoClosingPartIsSkippedAsFollowEnded() {
            assertPlan(CopySizing.plan(fill(Side.BUY, "0.1", "49000", "1", "0.15", "0"), ended, d("0.14807692"),
                    d("749.999984"), d("749.999984")), "0", "0", CopyOutcome.SKIPPED, CopyReason.FOLLOW_ENDED);
        }
    }

    @Nested
    class Liquidations {

        @Test
        void aLeadLiquidationClosesTheWholeCopierPosition() {
            CopySizing.LeadTrade liquidation = CopySizing.LeadTrade.liquidation("L", "alice", "BTCUSDT", Side.SELL,
                    d("0.3"), d("46000"));
            assertPlan(CopySizing.plan(liquidation, BOB, d("0.15"), d("760"), d("760")), "0.15", "0", CopyOutcome.COPIED, null);
            assertPlan(CopySizing.plan(liquidation, DAN, null, d("0"), d("0")), "0", "0", CopyOutcome.SKIPPED,
                    CopyReason.NO_POSITION);
            assertThat(liquidation.feeFor(d("0.15"))).isEqualByComparingTo("0");
        }
    }

    @Test
    void aLeadTradeCannotCloseMoreThanTheLeaderHeld() {
        assertThatThrownBy(() -> fill(Side.SELL, "0.5", "50000", "0", "0.2", "0.3"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rounddown8CutsTowardsZero() {
        assertThat(CopySizing.rounddown8(d("0.123456789"))).isEqualByComparingTo("0.12345678");
        assertThat(CopySizing.rounddown8(d("-0.123456789"))).isEqualByComparingTo("-0.12345678");
    }
}
