package dev.ledger.domain.support;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.MigrationPhaseChanged;
import dev.ledger.domain.event.SymbolConfigured;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.testing.ByValue;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.ledger.domain.testing.Given.accountOpened;
import static dev.ledger.domain.testing.Given.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether an aggregate exists, asked inside a command group (one root unit of work, a nested one per
 * command, as the ledger's writer runs them): what an accepted command created earlier in the group
 * exists; what a refused command created and rolled back does not.
 */
class EventSourcedAggregatesTest {

    private final InMemoryLedger ledger = new InMemoryLedger();

    @AfterEach
    void close() {
        ledger.close();
    }

    private static void assertEvents(List<Object> actual, Object... expected) {
        assertThat(actual).usingElementComparator((a, b) -> ByValue.sameValue(a, b) ? 0 : 1).containsExactly(expected);
    }

    @Nested
    class InOneCommandGroup {

        @Test
        void findsAnAccountOpenedEarlierInTheGroup() {
            List<RejectionCode> codes = ledger.sendInOneGroup(
                    new OpenAccount("c1", "alice:FUTURES"),
                    new Deposit("c2", "alice:FUTURES", "USDT", d("10")),
                    new OpenAccount("c3", "alice:FUTURES"));

            assertThat(codes).containsExactly(null, null, RejectionCode.ACCOUNT_ALREADY_OPEN);
            assertEvents(ledger.events("alice:FUTURES"), accountOpened("alice:FUTURES"),
                    new FundsDeposited("alice:FUTURES", "USDT", d("10"), d("10")));
        }

        @Test
        void decidesEachCommandOnTheAcceptedCommandsBeforeItOnly() {
            List<RejectionCode> codes = ledger.sendInOneGroup(
                    new OpenAccount("c1", "alice:FUTURES"),
                    new OpenAccount("c2", "alice:COPY"),
                    new Deposit("c3", "alice:FUTURES", "USDT", d("100")),
                    new Transfer("t1", "alice:FUTURES", "alice:COPY", "USDT", d("100.00000001")),
                    new Transfer("t2", "alice:FUTURES", "alice:COPY", "USDT", d("100")),
                    new Withdraw("w1", "alice:FUTURES", "USDT", d("0.00000001")));

            assertThat(codes).containsExactly(null, null, null, RejectionCode.INSUFFICIENT_FUNDS, null,
                    RejectionCode.INSUFFICIENT_FUNDS);
            assertEvents(ledger.events("alice:COPY"), accountOpened("alice:COPY"),
                    new TransferReceived("t2", "alice:FUTURES", "alice:COPY", "USDT", d("100"), d("100")));
        }

        @Test
        void findsTheMarketCreatedEarlierInTheGroup() {
            List<RejectionCode> codes = ledger.sendInOneGroup(
                    new ConfigureSymbol("m1", "BTCUSDT", "USDT", d("0.005"), 125),
                    new UpdateMarkPrice("m2", "BTCUSDT", d("30000")));

            assertThat(codes).containsExactly(null, null);
        }

        @Test
        void doesNotFindTheMarketWhoseCreationWasRolledBackByARefusal() {
            // SetMigrationPhase LIVE on a fresh market creates the market aggregate, then is refused.
            List<RejectionCode> codes = ledger.sendInOneGroup(
                    new SetMigrationPhase("p1", MigrationPhase.LIVE),
                    new ConfigureSymbol("m1", "BTCUSDT", "USDT", d("0.005"), 125),
                    new SetMigrationPhase("p2", MigrationPhase.NO_NEW_ELITE_ORDERS));

            assertThat(codes).containsExactly(RejectionCode.MIGRATION_RESTRICTED, null, null);
            assertEvents(ledger.events("MARKET"),
                    new SymbolConfigured("BTCUSDT", "USDT", d("0.005"), 125),
                    new MigrationPhaseChanged(MigrationPhase.LIVE, MigrationPhase.NO_NEW_ELITE_ORDERS));
        }

        @Test
        void refusesAMarkPriceAfterARolledBackCreationAsAnUnknownSymbol() {
            List<RejectionCode> codes = ledger.sendInOneGroup(
                    new SetMigrationPhase("p1", MigrationPhase.LIVE),
                    new UpdateMarkPrice("m1", "BTCUSDT", d("30000")));

            assertThat(codes).containsExactly(RejectionCode.MIGRATION_RESTRICTED, RejectionCode.UNKNOWN_SYMBOL);
            assertThat(Arrays.asList(ledger.allEvents().toArray())).isEmpty();
        }
    }
}
