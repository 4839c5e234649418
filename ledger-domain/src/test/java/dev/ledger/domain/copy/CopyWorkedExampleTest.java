package dev.ledger.domain.copy;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy-trading worked example, on the write side alone: every mirror of the four lead trades (outcome,
 * reason, quantity, fee, realized PnL and the position after it), both settlements and the final wallets,
 * as docs/copy-trading.md gives them.
 */
class CopyWorkedExampleTest {

    private final InMemoryLedger ledger = new InMemoryLedger();

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static RecordFill lead(String id, Side side, String quantity, String price, String fee) {
        return new RecordFill(id, "alice:ELITE", "BTCUSDT", side, d(quantity), d(price), d(fee), 10, MarginMode.ISOLATED);
    }

    @BeforeEach
    void setUp() {
        ledger.accept(new ConfigureSymbol("w01", "BTCUSDT", "USDT", d("0.005"), 100),
                new UpdateMarkPrice("w02", "BTCUSDT", d("50000")));
        for (String account : List.of("alice:FUTURES", "alice:ELITE", "bob:FUTURES", "bob:COPY", "carl:FUTURES",
                "carl:COPY", "dan:FUTURES", "dan:COPY")) {
            ledger.accept(new OpenAccount("open-" + account, account));
        }
        ledger.accept(new Deposit("w11", "alice:FUTURES", "USDT", d("20000")),
                new Deposit("w12", "bob:FUTURES", "USDT", d("5000")),
                new Deposit("w13", "carl:FUTURES", "USDT", d("5000")),
                new Deposit("w14", "dan:FUTURES", "USDT", d("600")),
                new Transfer("w15", "alice:FUTURES", "alice:ELITE", "USDT", d("10000")),
                new Transfer("w16", "bob:FUTURES", "bob:COPY", "USDT", d("2000")),
                new Transfer("w17", "carl:FUTURES", "carl:COPY", "USDT", d("3000")),
                new Transfer("w18", "dan:FUTURES", "dan:COPY", "USDT", d("600")),
                new SetLeaderTerms("w19", "alice", d("0.1"), 100),
                Follow.byRatio("w20", "bob", "alice", d("0.5")),
                Follow.byAmount("w21", "carl", "alice", d("1000")).withMaxTotalMargin(d("1500")),
                Follow.byRatio("w22", "dan", "alice", d("1")));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void everyMirrorSettlementAndFinalWalletIsExactlyAsWorkedOut() {
        ledger.accept(lead("L1", Side.BUY, "0.2", "50000", "5"));
        assertCopy("bob", "L1", CopyOutcome.COPIED, null, "0.1", "2.5", "0", "0.1", "5000", "500");
        assertCopy("carl", "L1", CopyOutcome.COPIED, null, "0.2", "5", "0", "0.2", "10000", "1000");
        assertCopy("dan", "L1", CopyOutcome.SKIPPED, CopyReason.INSUFFICIENT_MARGIN, "0", "0", "0", null, null, null);

        ledger.accept(lead("L2", Side.BUY, "0.1", "52000", "2.6"));
        assertCopy("bob", "L2", CopyOutcome.COPIED, null, "0.05", "1.3", "0", "0.15", "7600", "760");
        assertCopy("carl", "L2", CopyOutcome.CLIPPED, CopyReason.TOTAL_MARGIN_CAP, "0.09615384", "2.49999984", "0",
                "0.29615384", "14999.99968", "1499.999968");
        assertCopy("dan", "L2", CopyOutcome.COPIED, null, "0.1", "2.6", "0", "0.1", "5200", "520");

        ledger.accept(new UpdateMarkPrice("w23", "BTCUSDT", d("53000")), lead("L3", Side.SELL, "0.15", "53000", "3.975"));
        assertCopy("bob", "L3", CopyOutcome.COPIED, null, "0.075", "1.9875", "175", "0.075", "3800", "380");
        assertCopy("carl", "L3", CopyOutcome.COPIED, null, "0.14807692", "3.92403838", "348.07692", "0.14807692",
                "7499.99984", "749.999984");
        assertCopy("dan", "L3", CopyOutcome.COPIED, null, "0.05", "1.325", "50", "0.05", "2600", "260");

        ledger.accept(new SettleProfitShare("S1", "alice"));
        assertSettled("bob", "169.2125", "169.2125", "16.92125", "16.92125");
        assertSettled("carl", "336.65288178", "336.65288178", "33.66528818", "33.66528818");
        assertSettled("dan", "46.075", "46.075", "4.6075", "4.6075");
        assertThat(last(ledger.events("alice:ELITE"), ProfitShareReceived.class).amount()).isEqualByComparingTo("55.19403818");

        ledger.accept(new Unfollow("U1", "carl", "alice", CloseMode.WITH_LEADER));
        assertThat(last(ledger.events("carl:COPY"), FollowEnded.class))
                .isEqualTo(new FollowEnded("carl:COPY", "alice", FollowEndReason.UNFOLLOWED, CloseMode.WITH_LEADER));
        // At his high-water mark, carl owes nothing new: the unfollow books no settlement.
        assertThat(ledger.events("carl:COPY").stream().filter(ProfitShareSettled.class::isInstance)).hasSize(1);

        ledger.accept(lead("L4", Side.SELL, "0.15", "49000", "3.675"));
        assertCopy("bob", "L4", CopyOutcome.COPIED, null, "0.075", "1.8375", "-125", null, null, null);
        assertCopy("carl", "L4", CopyOutcome.COPIED, null, "0.14807692", "3.62788454", "-244.23076", null, null, null);
        assertCopy("dan", "L4", CopyOutcome.COPIED, null, "0.05", "1.225", "-150", null, null, null);

        ledger.accept(new SettleProfitShare("S2", "alice"));
        // Every net PnL is below its high-water mark now: nothing accrues, nothing is paid.
        assertThat(ledger.events("bob:COPY").stream().filter(ProfitShareSettled.class::isInstance)).hasSize(1);
        assertThat(ledger.events("alice:ELITE").stream().filter(ProfitShareReceived.class::isInstance)).hasSize(1);

        assertThat(wallet("alice:FUTURES")).isEqualByComparingTo("10000");
        assertThat(wallet("alice:ELITE")).isEqualByComparingTo("10139.94403818");
        assertThat(wallet("bob:COPY")).isEqualByComparingTo("2025.45375");
        assertThat(wallet("carl:COPY")).isEqualByComparingTo("3055.12894906");
        assertThat(wallet("dan:COPY")).isEqualByComparingTo("490.2425");
    }

    private void assertCopy(String copier, String leadTrade, CopyOutcome outcome, CopyReason reason, String quantity,
                            String fee, String realized, String quantityAfter, String entryNotionalAfter,
                            String marginAfter) {
        TradeCopied copied = ledger.events(copier + ":COPY").stream()
                .filter(e -> e instanceof TradeCopied t && t.leadTrade().equals(leadTrade))
                .map(TradeCopied.class::cast).findFirst().orElseThrow(() -> new AssertionError(copier + " has no mirror of " + leadTrade));
        String what = copier + " at " + leadTrade;
        assertThat(copied.outcome()).as(what).isEqualTo(outcome);
        assertThat(copied.reason()).as(what).isEqualTo(reason);
        assertThat(copied.quantity()).as(what + " quantity").isEqualByComparingTo(quantity);
        assertThat(copied.fee() == null ? BigDecimal.ZERO : copied.fee().fee()).as(what + " fee").isEqualByComparingTo(fee);
        assertThat(copied.reduced() == null ? BigDecimal.ZERO : copied.reduced().realizedPnl()).as(what + " realized")
                .isEqualByComparingTo(realized);
        if (quantityAfter == null) {
            // No position after it: either nothing was booked, or the booking closed the position.
            assertThat(copied.opened()).as(what + " opens nothing").isNull();
            assertThat(copied.increased()).as(what + " increases nothing").isNull();
            assertThat(copied.reduced() == null || copied.reduced().closed()).as(what + " leaves no position").isTrue();
            return;
        }
        BigDecimal[] after = copied.opened() != null
                ? new BigDecimal[]{copied.opened().quantity(), copied.opened().entryNotional(), copied.opened().positionMargin()}
                : copied.increased() != null
                ? new BigDecimal[]{copied.increased().quantityAfter(), copied.increased().entryNotionalAfter(),
                copied.increased().positionMarginAfter()}
                : new BigDecimal[]{copied.reduced().quantityAfter(), copied.reduced().entryNotionalAfter(),
                copied.reduced().positionMarginAfter()};
        assertThat(after[0]).as(what + " quantity after").isEqualByComparingTo(quantityAfter);
        assertThat(after[1]).as(what + " entry notional after").isEqualByComparingTo(entryNotionalAfter);
        assertThat(after[2]).as(what + " margin after").isEqualByComparingTo(marginAfter);
    }

    private void assertSettled(String copier, String netPnl, String highWaterMark, String paid, String paidTotal) {
        ProfitShareSettled settled = last(ledger.events(copier + ":COPY"), ProfitShareSettled.class);
        assertThat(settled.netPnl()).as(copier + " net PnL").isEqualByComparingTo(netPnl);
        assertThat(settled.highWaterMarkAfter()).as(copier + " high-water mark").isEqualByComparingTo(highWaterMark);
        assertThat(settled.paid()).as(copier + " paid").isEqualByComparingTo(paid);
        assertThat(settled.paidTotalAfter()).as(copier + " paid in all").isEqualByComparingTo(paidTotal);
        assertThat(settled.owedAfter()).as(copier + " still owed").isEqualByComparingTo("0");
    }

    private static <T> T last(List<Object> events, Class<T> type) {
        T found = null;
        for (Object event : events) {
            if (type.isInstance(event)) {
                found = type.cast(event);
            }
        }
        if (found == null) {
            throw new AssertionError("no " + type.getSimpleName() + " among " + events);
        }
        return found;
    }

    /** The wallet after the account's last event that moved it (nested bookings of a mirror included). */
    private BigDecimal wallet(String account) {
        BigDecimal wallet = BigDecimal.ZERO;
        for (Object event : ledger.events(account)) {
            List<Object> parts = event instanceof TradeCopied t
                    ? java.util.stream.Stream.of(t.reduced(), t.opened(), t.increased(), t.fee(), t.liquidated())
                    .filter(java.util.Objects::nonNull).map(Object.class::cast).toList()
                    : List.of(event);
            for (Object part : parts) {
                BigDecimal after = walletAfter(part);
                if (after != null) {
                    wallet = after;
                }
            }
        }
        return wallet;
    }

    private static BigDecimal walletAfter(Object event) {
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            if (component.getName().equals("walletAfter")) {
                try {
                    return (BigDecimal) component.getAccessor().invoke(event);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }
}
