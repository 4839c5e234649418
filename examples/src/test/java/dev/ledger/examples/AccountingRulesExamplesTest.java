package dev.ledger.examples;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked examples of docs/accounting-rules.md, run through the ledger: every figure the document
 * states is asserted here. The examples share one ledger (marks are global), in the document's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountingRulesExamplesTest {

    private Ledger ledger;
    private int ids;

    @BeforeAll
    void openLedger() {
        ledger = Ledger.builder().store(StoreSettings.inMemory("accounting-rules-" + UUID.randomUUID())).build();
        accept(new ConfigureSymbol(id(), "BTCUSDT", "USDT", d("0.005"), 125));
        accept(new ConfigureSymbol(id(), "ETHUSDT", "USDT", d("0.005"), 100));
        accept(new ConfigureSymbol(id(), "TIEUSDT", "USDT", d("0"), 1));
    }

    @AfterAll
    void closeLedger() {
        ledger.close();
    }

    @Test
    @Order(1)
    void tiesRoundHalfEven() {
        open("dave:FUTURES", "100");
        accept(fill("dave:FUTURES", "TIEUSDT", Side.BUY, "0.00000001", "1.5", "0", 1, MarginMode.ISOLATED));
        RiskPosition first = position("dave:FUTURES");
        assertThat(first.entryNotional()).isEqualByComparingTo("0.00000002");
        assertThat(first.positionMargin()).isEqualByComparingTo("0.00000002");
        accept(fill("dave:FUTURES", "TIEUSDT", Side.BUY, "0.00000001", "2.5", "0", 1, MarginMode.ISOLATED));
        RiskPosition second = position("dave:FUTURES");
        assertThat(second.entryNotional()).isEqualByComparingTo("0.00000004");
        assertThat(second.liquidationPrice()).as("leverage 1: entryNotional - positionMargin = 0").isNull();

        open("tia:FUTURES", "1000");
        accept(fill("tia:FUTURES", "TIEUSDT", Side.BUY, "1", "50", "0", 1, MarginMode.CROSS));
        accept(fill("tia:FUTURES", "TIEUSDT", Side.BUY, "1", "50.00000001", "0", 1, MarginMode.CROSS));
        assertThat(position("tia:FUTURES").entryNotional()).isEqualByComparingTo("100.00000001");
        accept(fill("tia:FUTURES", "TIEUSDT", Side.SELL, "1", "50", "0", 1, MarginMode.CROSS));
        assertThat(position("tia:FUTURES").entryNotional()).as("releasedCost 50.00000000").isEqualByComparingTo("50.00000001");
        assertThat(performance("tia:FUTURES").realizedPnl()).isEqualByComparingTo("0");
        accept(fill("tia:FUTURES", "TIEUSDT", Side.SELL, "1", "50", "0", 1, MarginMode.CROSS));
        assertThat(performance("tia:FUTURES").realizedPnl()).isEqualByComparingTo("-0.00000001");
    }

    @Test
    @Order(2)
    void examplesAtoCThenMarkFundingAndPerformance() {
        open("alice:FUTURES", "10000");

        // Example A: open
        accept(fill("alice:FUTURES", "BTCUSDT", Side.BUY, "2", "30000", "1.2", 10, MarginMode.ISOLATED));
        assertBalance("alice:FUTURES", "9998.8", "3998.8");
        RiskPosition a = position("alice:FUTURES");
        assertThat(a.entryNotional()).isEqualByComparingTo("60000");
        assertThat(a.positionMargin()).isEqualByComparingTo("6000");
        assertThat(a.liquidationPrice()).isEqualByComparingTo("27135.67839196");

        // Example B: reduce
        accept(fill("alice:FUTURES", "BTCUSDT", Side.SELL, "0.5", "31000", "0", 10, MarginMode.ISOLATED));
        RiskPosition b = position("alice:FUTURES");
        assertThat(b.quantity()).isEqualByComparingTo("1.5");
        assertThat(b.entryNotional()).isEqualByComparingTo("45000");
        assertThat(b.positionMargin()).isEqualByComparingTo("4500");
        assertBalance("alice:FUTURES", "10498.8", "5998.8");
        assertThat(performance("alice:FUTURES").realizedPnl()).isEqualByComparingTo("500");
        reject(new AdjustIsolatedMargin(id(), "alice:FUTURES", "BTCUSDT", d("-0.00000001")), RejectionCode.INSUFFICIENT_MARGIN);

        // Example C: flip, no mark yet
        accept(fill("alice:FUTURES", "BTCUSDT", Side.SELL, "2.5", "29000", "2.9", 5, MarginMode.CROSS));
        RiskPosition c = position("alice:FUTURES");
        assertThat(c.side().name()).isEqualTo("SHORT");
        assertThat(c.quantity()).isEqualByComparingTo("1");
        assertThat(c.entryNotional()).isEqualByComparingTo("29000");
        assertBalance("alice:FUTURES", "8995.9", "3195.9");

        // Balance and risk at mark 30500
        accept(new UpdateMarkPrice(id(), "BTCUSDT", d("30500")));
        AssetBalance usdt = balance("alice:FUTURES");
        assertThat(usdt.crossInitialMargin()).isEqualByComparingTo("5800");
        assertThat(usdt.unrealizedPnl()).isEqualByComparingTo("-1500");
        assertThat(usdt.equity()).isEqualByComparingTo("7495.9");
        assertThat(usdt.available()).isEqualByComparingTo("1695.9");
        RiskView risk = ledger.risk("alice:FUTURES").orElseThrow();
        assertThat(risk.crossMaintenanceMargin()).isEqualByComparingTo("152.5");
        assertThat(risk.crossMarginBalance()).isEqualByComparingTo("7495.9");
        assertThat(risk.crossMarginRatio()).isEqualByComparingTo("0.02034445");
        assertThat(risk.liquidatable()).isFalse();

        // Funding, both signs, for the SHORT and for a LONG
        open("lena:FUTURES", "10000");
        accept(fill("lena:FUTURES", "BTCUSDT", Side.BUY, "1", "30000", "0", 5, MarginMode.CROSS));
        accept(new SettleFunding(id(), "alice:FUTURES", "BTCUSDT", d("0.0001"), d("30500")));
        accept(new SettleFunding(id(), "lena:FUTURES", "BTCUSDT", d("0.0001"), d("30500")));
        assertThat(balance("alice:FUTURES").wallet()).isEqualByComparingTo("8998.95");
        assertThat(balance("lena:FUTURES").wallet()).isEqualByComparingTo("9996.95");
        accept(new SettleFunding(id(), "alice:FUTURES", "BTCUSDT", d("-0.0001"), d("30500")));
        accept(new SettleFunding(id(), "lena:FUTURES", "BTCUSDT", d("-0.0001"), d("30500")));
        assertThat(balance("alice:FUTURES").wallet()).isEqualByComparingTo("8995.9");
        assertThat(balance("lena:FUTURES").wallet()).isEqualByComparingTo("10000");

        // Example F: close the SHORT, then the performance figures
        accept(fill("alice:FUTURES", "BTCUSDT", Side.BUY, "1", "28000", "0", 5, MarginMode.CROSS));
        PerformanceView f = performance("alice:FUTURES");
        assertThat(f.realizedPnl()).isEqualByComparingTo("0");
        assertThat(f.fees()).isEqualByComparingTo("4.1");
        assertThat(f.funding()).isEqualByComparingTo("0");
        assertThat(f.netPnl()).isEqualByComparingTo("-4.1");
        assertThat(f.totalPnl()).isEqualByComparingTo("-4.1");
        assertThat(f.maxDrawdown()).isEqualByComparingTo("1502.9");
        assertThat(f.wins()).isEqualTo(1);
        assertThat(f.losses()).isEqualTo(1);
        assertThat(f.winRate()).isEqualByComparingTo("0.5");
        assertThat(f.netInflow()).isEqualByComparingTo("10000");
        assertThat(f.peakNetInflow()).isEqualByComparingTo("10000");
        assertThat(f.roi()).isEqualByComparingTo("-0.00041");
    }

    @Test
    @Order(3)
    void exampleDIsolatedLiquidationWithShortfall() {
        open("sam:FUTURES", "10000");
        accept(fill("sam:FUTURES", "BTCUSDT", Side.SELL, "2", "30000", "0", 10, MarginMode.ISOLATED));
        assertThat(position("sam:FUTURES").liquidationPrice()).isEqualByComparingTo("32835.82089552");

        open("bob:FUTURES", "10000");
        accept(fill("bob:FUTURES", "BTCUSDT", Side.BUY, "2", "30000", "1.2", 10, MarginMode.ISOLATED));
        accept(new UpdateMarkPrice(id(), "BTCUSDT", d("27200")));
        RiskPosition at27200 = position("bob:FUTURES");
        assertThat(at27200.maintenanceMargin()).isEqualByComparingTo("272");
        assertThat(at27200.liquidatable()).isFalse();
        accept(new UpdateMarkPrice(id(), "BTCUSDT", d("27100")));
        RiskPosition at27100 = position("bob:FUTURES");
        assertThat(at27100.maintenanceMargin()).isEqualByComparingTo("271");
        assertThat(at27100.liquidatable()).isTrue();

        accept(new Liquidate(id(), "bob:FUTURES", "BTCUSDT", d("26000")));
        assertThat(balance("bob:FUTURES").wallet()).as("9998.8 - 6000; the other 2000 is insurance cover")
                .isEqualByComparingTo("3998.8");
        assertThat(performance("bob:FUTURES").realizedPnl()).isEqualByComparingTo("-6000");
        assertThat(performance("bob:FUTURES").losses()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void exampleECrossLiquidationWithShortfall() {
        open("carol:FUTURES", "1000");
        accept(fill("carol:FUTURES", "ETHUSDT", Side.SELL, "10", "2900", "0", 50, MarginMode.CROSS));
        assertThat(balance("carol:FUTURES").crossInitialMargin()).isEqualByComparingTo("580");
        assertThat(balance("carol:FUTURES").available()).isEqualByComparingTo("420");

        accept(new UpdateMarkPrice(id(), "ETHUSDT", d("2990")));
        RiskView risk = ledger.risk("carol:FUTURES").orElseThrow();
        assertThat(risk.crossMaintenanceMargin()).isEqualByComparingTo("149.5");
        assertThat(risk.crossMarginBalance()).isEqualByComparingTo("100");
        assertThat(risk.crossMarginRatio()).isEqualByComparingTo("1.495");
        assertThat(risk.liquidatable()).isTrue();
        assertThat(balance("carol:FUTURES").available()).isEqualByComparingTo("-480");

        accept(new Liquidate(id(), "carol:FUTURES", "ETHUSDT", d("3050")));
        assertThat(balance("carol:FUTURES").wallet()).as("capped at the wallet; 500 is insurance cover")
                .isEqualByComparingTo("0");
        assertThat(performance("carol:FUTURES").realizedPnl()).isEqualByComparingTo("-1000");
    }

    @Test
    @Order(5)
    void migrationCompletesInTheTransactionOfTheLiquidationThatClosedTheLastElitePosition() {
        accept(new OpenAccount(id(), "erin:LEGACY"));
        accept(new Deposit(id(), "erin:LEGACY", "USDT", d("50000")));
        accept(fill("erin:LEGACY", "BTCUSDT", Side.BUY, "1", "30000", "0", 10, MarginMode.ISOLATED));
        accept(new RecordFill(id(), "erin:LEGACY", "BTCUSDT", Side.BUY, d("0.5"), d("30000"), d("0"), 10,
                MarginMode.CROSS, Book.COPY, "leader1"));
        accept(new RecordFill(id(), "erin:LEGACY", "BTCUSDT", Side.SELL, d("0.2"), d("30000"), d("0"), 10,
                MarginMode.ISOLATED, Book.ELITE, null));

        accept(new StartMigration(id(), "erin"));
        assertThat(ledger.migration("erin").state()).isEqualTo(MigrationState.WAITING);
        accept(new RecordFill(id(), "erin:LEGACY", "BTCUSDT", Side.SELL, d("0.5"), d("31000"), d("0"), 10,
                MarginMode.CROSS, Book.COPY, "leader1"));
        assertThat(ledger.migration("erin").state()).isEqualTo(MigrationState.WAITING);
        assertThat(ledger.migration("erin").openElitePositions()).isEqualTo(1);

        accept(new Liquidate(id(), "erin:LEGACY", "BTCUSDT", d("29000"), Book.ELITE));
        assertThat(ledger.migration("erin").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(ledger.accounts("erin").accounts()).extracting(AccountStatus::account, AccountStatus::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("erin:FUTURES", "OPEN"),
                        org.assertj.core.groups.Tuple.tuple("erin:COPY", "OPEN"),
                        org.assertj.core.groups.Tuple.tuple("erin:ELITE", "OPEN"),
                        org.assertj.core.groups.Tuple.tuple("erin:LEGACY", "RETIRED"));
        assertThat(balance("erin:FUTURES").wallet()).as("50000 + 500 + 200").isEqualByComparingTo("50700");
        RiskPosition moved = position("erin:FUTURES");
        assertThat(moved.quantity()).isEqualByComparingTo("1");
        assertThat(moved.entryNotional()).isEqualByComparingTo("30000");
        assertThat(moved.positionMargin()).isEqualByComparingTo("3000");
        assertThat(balance("erin:LEGACY").wallet()).isEqualByComparingTo("0");
        reject(new Deposit(id(), "erin:LEGACY", "USDT", d("1")), RejectionCode.ACCOUNT_RETIRED);
    }

    private void open(String account, String deposit) {
        accept(new OpenAccount(id(), account));
        accept(new Deposit(id(), account, "USDT", d(deposit)));
    }

    private RecordFill fill(String account, String symbol, Side side, String quantity, String price, String fee,
                            int leverage, MarginMode mode) {
        return new RecordFill(id(), account, symbol, side, d(quantity), d(price), d(fee), leverage, mode);
    }

    private void accept(LedgerCommand command) {
        assertThat(ledger.execute(command)).as(command.toString()).isInstanceOf(Outcome.Accepted.class);
    }

    private void reject(LedgerCommand command, RejectionCode code) {
        Outcome outcome = ledger.execute(command);
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) outcome).code()).isEqualTo(code);
    }

    private void assertBalance(String account, String wallet, String available) {
        AssetBalance usdt = balance(account);
        assertThat(usdt.wallet()).as("wallet of " + account).isEqualByComparingTo(wallet);
        assertThat(usdt.available()).as("available of " + account).isEqualByComparingTo(available);
    }

    private AssetBalance balance(String account) {
        return ledger.balance(account).orElseThrow().balances().stream()
                .filter(b -> b.asset().equals("USDT")).findFirst().orElseThrow();
    }

    private RiskPosition position(String account) {
        RiskView risk = ledger.risk(account).orElseThrow();
        assertThat(risk.positions()).hasSize(1);
        return risk.positions().get(0);
    }

    private PerformanceView performance(String account) {
        return ledger.performance(account).orElseThrow();
    }

    private String id() {
        return "doc-" + ++ids;
    }

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }
}
