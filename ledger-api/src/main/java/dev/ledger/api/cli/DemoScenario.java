package dev.ledger.api.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The story that {@code ledger demo} tells: why a copy-trading exchange keeps COPY apart from FUTURES.
 * alice trades in FUTURES and copies an elite trader in COPY; the mark falls, the COPY position is
 * liquidated, its loss stops at its own margin (the insurance fund covers the rest), and FUTURES'
 * balance, risk and performance are exactly what they were. Then bob's legacy account is migrated.
 * <p>
 * One line per step with its outcome, tables for the views. Every step and every key figure states what
 * the rules of {@code accounting.md} lead to; anything else is flagged and makes the demo exit 1, so the
 * demo doubles as a quick check of a build.
 */
public final class DemoScenario {

    public static final String USER = "alice";
    public static final String LEGACY_USER = "bob";
    /** The elite trader whom alice and bob copy; the ledger only records the name, on legacy copy fills. */
    static final String ELITE_TRADER = "carol";
    static final String FUTURES = USER + ":FUTURES";
    static final String COPY = USER + ":COPY";
    static final String LEGACY = LEGACY_USER + ":LEGACY";
    static final String BOB_FUTURES = LEGACY_USER + ":FUTURES";
    static final String USDT = "USDT";
    static final String BTCUSDT = "BTCUSDT";

    private final Ledger ledger;
    private final PrintWriter out;
    private final List<String> surprises = new ArrayList<>();
    private int steps;

    public DemoScenario(Ledger ledger, PrintWriter out) {
        this.ledger = ledger;
        this.out = out;
    }

    /** Tells the story; true when every step ended as the rules say it must. */
    public boolean run() {
        market();
        movingMoneyBetweenAccounts();
        tradingInBothAccounts();
        Views futuresBefore = theMarkFalls();
        theCopyPositionIsLiquidated(futuresBefore);
        whereAliceStands();
        legacyMigration();
        heading("Result");
        if (surprises.isEmpty()) {
            out.println("Every step ended as the accounting rules say.");
        } else {
            out.println(surprises.size() + " step(s) did NOT end as the accounting rules say:");
            surprises.forEach(s -> out.println("  " + s));
        }
        out.flush();
        return surprises.isEmpty();
    }

    private void market() {
        heading("1. The market");
        expectAccepted("list BTCUSDT (settled in USDT, mmr 0.005, max leverage 100)",
                new ConfigureSymbol("demo-symbol", BTCUSDT, USDT, d("0.005"), 100));
        expectAccepted("mark price BTCUSDT 30000", new UpdateMarkPrice("demo-mark-30000", BTCUSDT, d("30000")));
    }

    private void movingMoneyBetweenAccounts() {
        heading("2. alice funds FUTURES and moves money to COPY");
        expectAccepted("open " + FUTURES, new OpenAccount("demo-open-futures", FUTURES));
        expectAccepted("open " + COPY, new OpenAccount("demo-open-copy", COPY));
        expectAccepted("deposit 10000 USDT into FUTURES", new Deposit("demo-deposit", FUTURES, USDT, d("10000")));
        Transfer toCopy = new Transfer("demo-transfer-copy", FUTURES, COPY, USDT, d("3000"));
        expectAccepted("transfer 3000 USDT FUTURES -> COPY", toCopy);
        expectRefused(RejectionCode.INSUFFICIENT_FUNDS, "transfer 50000 USDT FUTURES -> COPY (7000 left)",
                new Transfer("demo-transfer-too-much", FUTURES, COPY, USDT, d("50000")));
        expectDuplicate("send the 3000 USDT transfer again (same id)", toCopy);
        expectRefused(RejectionCode.TRANSFER_NOT_ALLOWED, "withdraw 100 USDT from COPY (only FUTURES pays out)",
                new Withdraw("demo-withdraw-copy", COPY, USDT, d("100")));
    }

    private void tradingInBothAccounts() {
        heading("3. alice trades in FUTURES and copies elite trader " + ELITE_TRADER + " in COPY");
        out.println("Each account has its own wallet, margin and positions: COPY cannot draw on FUTURES' money.");
        expectAccepted("FUTURES: BUY 0.5 BTC at 30000, 10x ISOLATED, fee 6 (margin 1500)",
                fill("demo-futures-buy", FUTURES, Side.BUY, "0.5", "30000", "6", 10));
        expectAccepted("COPY: BUY 1 BTC at 30000, 20x ISOLATED, fee 12 (margin 1500)",
                fill("demo-copy-buy", COPY, Side.BUY, "1", "30000", "12", 20));
        expectRefused(RejectionCode.INSUFFICIENT_MARGIN, "COPY: BUY 1 more BTC at 20x (needs 1512, COPY has 1488)",
                fill("demo-copy-buy-more", COPY, Side.BUY, "1", "30000", "12", 20));
    }

    /** The mark falls below COPY's liquidation price; returns FUTURES' views at that moment. */
    private Views theMarkFalls() {
        heading("4. The mark falls to 28400");
        expectAccepted("mark price BTCUSDT 28400", new UpdateMarkPrice("demo-mark-28400", BTCUSDT, d("28400")));
        RiskView copyRisk = ledger.risk(COPY).orElseThrow();
        out.println();
        ViewText.risk(copyRisk, out);
        expect("COPY's position is liquidatable at mark 28400", copyRisk.positions().get(0).liquidatable(), true);
        expect("COPY's liquidation price, (30000 - 1500) / (1 x 0.995)",
                copyRisk.positions().get(0).liquidationPrice(), "28643.21608040");
        Views futures = Views.of(ledger, FUTURES);
        out.println();
        ViewText.risk(futures.risk(), out);
        expect("FUTURES' position is not liquidatable: margin 1500 - loss 800 > maintenance 71",
                futures.risk().positions().get(0).liquidatable(), false);
        out.println("COPY's position is liquidatable: margin 1500 + unrealized -1600 = -100 <= maintenance 142.");
        out.println("FUTURES' position is not: margin 1500 - 800 = 700 > maintenance 71. (An ISOLATED position never "
                + "makes its account liquidatable.)");
        return futures;
    }

    private void theCopyPositionIsLiquidated(Views futuresBefore) {
        heading("5. The COPY position is liquidated at 28400: its loss stops at its own margin");
        expectAccepted("liquidate COPY's BTCUSDT position at 28400",
                new Liquidate("demo-liquidate-copy", COPY, BTCUSDT, d("28400")));
        PositionLiquidated liquidation = lastLiquidation(COPY);
        if (liquidation == null) {
            surprise("the liquidation of " + COPY + " is not in the event store");
        } else {
            TextTable.figures()
                    .row("loss at 28400 without a cap, 1 x (28400 - 30000)", Decimals.show(liquidation.uncappedPnl()))
                    .row("loss booked to COPY: capped at the position's margin", Decimals.show(liquidation.realizedPnl()))
                    .row("covered by the insurance fund (no account pays it)", Decimals.show(liquidation.insuranceCover()))
                    .row("COPY's wallet after", Decimals.show(liquidation.walletAfter()))
                    .print(out, "     ");
            expect("the uncapped loss", liquidation.uncappedPnl(), "-1600");
            expect("the loss booked to COPY", liquidation.realizedPnl(), "-1500");
            expect("the insurance fund's cover", liquidation.insuranceCover(), "100");
            expect("COPY's wallet after: 3000 - 12 - 1500", liquidation.walletAfter(), "1488");
        }

        Views futuresAfter = Views.of(ledger, FUTURES);
        out.println();
        out.println("alice:FUTURES before and after the COPY liquidation:");
        TextTable comparison = TextTable.withLabelColumn("figure", "before", "after", "");
        futuresBefore.figures().forEach((name, before) -> {
            String after = futuresAfter.figures().get(name);
            comparison.row(name, before, after, Objects.equals(before, after) ? "unchanged" : "CHANGED");
        });
        comparison.print(out, "  ");
        boolean unchanged = futuresBefore.equals(futuresAfter);
        out.println(unchanged
                ? "FUTURES' balance, risk and performance are unchanged: COPY's liquidation touched no other account."
                : "FUTURES CHANGED although only COPY was liquidated.");
        if (!unchanged) {
            surprise("FUTURES' views changed when COPY was liquidated");
        }
        // And they are what FUTURES' own commands give, as if COPY did not exist.
        AssetBalance usdt = usdt(futuresAfter.balance());
        out.println("They follow from FUTURES' own commands alone: wallet 10000 - 3000 (to COPY) - 6 (fee) = "
                + Decimals.show(usdt.wallet()) + ", unrealized PnL 0.5 x (28400 - 30000) = "
                + Decimals.show(usdt.unrealizedPnl()) + ".");
        expect("FUTURES' wallet", usdt.wallet(), "6994");
        expect("FUTURES' unrealized PnL", usdt.unrealizedPnl(), "-800");
        expect("FUTURES' available: 6994 - 1500", usdt.available(), "5494");
        expect("FUTURES' realized PnL", futuresAfter.performance().realizedPnl(), "0");
        expect("FUTURES' fees", futuresAfter.performance().fees(), "6");
    }

    private void whereAliceStands() {
        heading("6. Where alice stands, per account");
        for (String account : List.of(FUTURES, COPY)) {
            Views views = Views.of(ledger, account);
            out.println();
            ViewText.balance(views.balance(), out);
            ViewText.risk(views.risk(), out);
            ViewText.performance(views.performance(), out);
        }
        PerformanceView copy = ledger.performance(COPY).orElseThrow();
        expect("COPY's realized PnL", copy.realizedPnl(), "-1500");
        expect("COPY's net PnL: -1500 - 12", copy.netPnl(), "-1512");
        expect("COPY's ROI: -1512 / 3000", copy.roi(), "-0.504");
        expect("COPY's losing round trips", BigDecimal.valueOf(copy.losses()), "1");
    }

    private void legacyMigration() {
        heading("7. bob's LEGACY account moves to FUTURES and COPY");
        expectAccepted("open " + LEGACY + " (an account of the old system)", new OpenAccount("demo-open-legacy", LEGACY));
        expectAccepted("deposit 10000 USDT into LEGACY", new Deposit("demo-legacy-deposit", LEGACY, USDT, d("10000")));
        expectAccepted("PERSONAL book: BUY 0.2 BTC at 28400, 10x ISOLATED, fee 2",
                legacyFill("demo-legacy-personal", Side.BUY, "0.2", "28400", "2", 10, Book.PERSONAL));
        expectAccepted("COPY book, leader " + ELITE_TRADER + ": BUY 0.1 BTC at 28400, 5x ISOLATED, fee 1",
                legacyFill("demo-legacy-copy-buy", Side.BUY, "0.1", "28400", "1", 5, Book.COPY));
        expectAccepted("start bob's migration", new StartMigration(MigrationStarts.commandId(LEGACY_USER), LEGACY_USER));
        MigrationView waiting = ledger.migration(LEGACY_USER);
        step("bob's migration now", "-> " + waiting.state() + ": " + MigrationStarts.positions(
                waiting.openCopyPositions(), waiting.openElitePositions()) + " still open on LEGACY");
        expect("bob waits for his COPY position", waiting.state() == MigrationState.WAITING, true);
        expectRefused(RejectionCode.MIGRATION_RESTRICTED, "COPY book: BUY 0.1 more BTC while waiting",
                legacyFill("demo-legacy-copy-more", Side.BUY, "0.1", "28400", "1", 5, Book.COPY));
        expectAccepted("COPY book: SELL 0.1 BTC at 29000, fee 1 (closes it: +60)",
                legacyFill("demo-legacy-copy-sell", Side.SELL, "0.1", "29000", "1", 5, Book.COPY));
        MigrationView done = ledger.migration(LEGACY_USER);
        step("bob's migration now", "-> " + done.state() + " at " + done.completedAt());
        expect("bob's migration completes when the COPY position closes", done.state() == MigrationState.COMPLETED, true);

        out.println();
        ViewText.accounts(ledger.accounts(LEGACY_USER), out);
        expect("bob's LEGACY account is retired", ledger.accounts(LEGACY_USER).accounts().stream()
                .anyMatch(a -> a.account().equals(LEGACY) && a.status().equals("RETIRED")), true);
        expect("bob's FUTURES account is open", ledger.accounts(LEGACY_USER).accounts().stream()
                .map(AccountStatus::account).anyMatch(BOB_FUTURES::equals), true);
        Optional<BalanceView> futures = ledger.balance(BOB_FUTURES);
        if (futures.isEmpty()) {
            surprise("the read model does not know " + BOB_FUTURES);
            return;
        }
        out.println();
        ViewText.balance(futures.get(), out);
        ViewText.risk(ledger.risk(BOB_FUTURES).orElseThrow(), out);
        out.println("The legacy wallet moved to FUTURES (10000 - 2 - 1 + 60 - 1 = 10056) with the PERSONAL position "
                + "and its margin of 568.");
        expect("bob's FUTURES wallet", usdt(futures.get()).wallet(), "10056");
        expect("bob's FUTURES isolated margin: the PERSONAL position's", usdt(futures.get()).isolatedMargin(), "568");
    }

    /** Balance, risk and performance of one account, at one moment. */
    private record Views(BalanceView balance, RiskView risk, PerformanceView performance) {

        static Views of(Ledger ledger, String account) {
            return new Views(ledger.balance(account).orElseThrow(), ledger.risk(account).orElseThrow(),
                    ledger.performance(account).orElseThrow());
        }

        /** The figures people compare, by name, as shown. */
        java.util.Map<String, String> figures() {
            java.util.Map<String, String> figures = new java.util.LinkedHashMap<>();
            AssetBalance usdt = usdt(balance);
            figures.put("balance: wallet", Decimals.show(usdt.wallet()));
            figures.put("balance: isolatedMargin", Decimals.show(usdt.isolatedMargin()));
            figures.put("balance: unrealizedPnl", Decimals.show(usdt.unrealizedPnl()));
            figures.put("balance: equity", Decimals.show(usdt.equity()));
            figures.put("balance: available", Decimals.show(usdt.available()));
            figures.put("risk: crossMarginBalance", Decimals.show(risk.crossMarginBalance()));
            for (RiskPosition p : risk.positions()) {
                String name = "risk: " + p.symbol() + " ";
                figures.put(name + "positionMargin", Decimals.show(p.positionMargin()));
                figures.put(name + "maintenanceMargin", Decimals.show(p.maintenanceMargin()));
                figures.put(name + "liquidationPrice", ViewText.amount(p.liquidationPrice()));
                figures.put(name + "liquidatable", ViewText.yesNo(p.liquidatable()));
            }
            figures.put("performance: realizedPnl", Decimals.show(performance.realizedPnl()));
            figures.put("performance: fees", Decimals.show(performance.fees()));
            figures.put("performance: netPnl", Decimals.show(performance.netPnl()));
            figures.put("performance: totalPnl", Decimals.show(performance.totalPnl()));
            figures.put("performance: roi", ViewText.amount(performance.roi()));
            figures.put("performance: maxDrawdown", Decimals.show(performance.maxDrawdown()));
            return figures;
        }
    }

    private static AssetBalance usdt(BalanceView balance) {
        return balance.balances().stream().filter(b -> b.asset().equals(USDT)).findFirst()
                .orElseThrow(() -> new IllegalStateException(balance.account() + " has no USDT balance"));
    }

    /** The account's last liquidation, as recorded in the event store. */
    private PositionLiquidated lastLiquidation(String account) {
        PositionLiquidated last = null;
        DomainEventStream events = ledger.store().eventStorage().readEvents(account);
        while (events.hasNext()) {
            if (events.next().getPayload() instanceof PositionLiquidated liquidated) {
                last = liquidated;
            }
        }
        return last;
    }

    private static RecordFill fill(String id, String account, Side side, String quantity, String price, String fee,
                                   int leverage) {
        return new RecordFill(id, account, BTCUSDT, side, d(quantity), d(price), d(fee), leverage, MarginMode.ISOLATED);
    }

    private static RecordFill legacyFill(String id, Side side, String quantity, String price, String fee, int leverage,
                                         Book book) {
        return new RecordFill(id, LEGACY, BTCUSDT, side, d(quantity), d(price), d(fee), leverage, MarginMode.ISOLATED,
                book, book == Book.COPY ? ELITE_TRADER : null);
    }

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title + " ==");
    }

    private void expectAccepted(String description, LedgerCommand command) {
        Outcome outcome = execute(description, command);
        if (!(outcome instanceof Outcome.Accepted)) {
            surprise(description, "accepted", outcome);
        }
    }

    private void expectRefused(RejectionCode code, String description, LedgerCommand command) {
        Outcome outcome = execute(description, command);
        if (!(outcome instanceof Outcome.Rejected rejected && rejected.code() == code)) {
            surprise(description, "refused " + code, outcome);
        }
    }

    private void expectDuplicate(String description, LedgerCommand command) {
        Outcome outcome = execute(description, command);
        if (!(outcome instanceof Outcome.Duplicate)) {
            surprise(description, "a duplicate", outcome);
        }
    }

    private Outcome execute(String description, LedgerCommand command) {
        Outcome outcome = ledger.execute(command);
        step(description, describe(outcome));
        return outcome;
    }

    private void step(String description, String result) {
        steps++;
        out.printf("%3d. %-64s %s%n", steps, description, result);
        out.flush();
    }

    /** One outcome in words, with an ASCII marker so that any terminal shows it. */
    static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Duplicate duplicate) {
            return "[=] duplicate: nothing changed; the first outcome stands (" + words(duplicate.first()) + ")";
        }
        return (outcome instanceof Outcome.Accepted ? "[+] " : "[x] ") + words(outcome);
    }

    private static String words(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof Outcome.Rejected rejected) {
            return "refused " + rejected.code() + ": " + rejected.message();
        }
        throw new IllegalStateException("an outcome the demo does not know: " + outcome);
    }

    private void expect(String what, BigDecimal actual, String expected) {
        if (actual == null || actual.compareTo(new BigDecimal(expected)) != 0) {
            surprise(what + ": expected " + expected + ", got " + (actual == null ? "none" : actual.toPlainString()));
        }
    }

    private void expect(String what, boolean actual, boolean expected) {
        if (actual != expected) {
            surprise(what + ": expected " + expected + ", got " + actual);
        }
    }

    private void surprise(String description, String expected, Outcome actual) {
        surprise("step \"" + description + "\": expected " + expected + ", got " + describe(actual));
    }

    private void surprise(String what) {
        surprises.add(what);
    }
}
