package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FollowersView;
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
 * alice trades in FUTURES and in COPY; the mark falls, the COPY position is liquidated, its loss stops at its
 * own margin (the insurance fund covers the rest), and FUTURES' balance, risk and performance are exactly
 * what they were. Then bob's legacy account is migrated. Last, copy trading: an elite trader's fills are
 * mirrored to three copiers (by ratio, by fixed margin clipped at its cap, and one short of funds and
 * skipped), a partial close is mirrored proportionally, and a profit-share settlement pays above the
 * high-water mark and leaves part owed.
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
        copyTrading();
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
        heading("3. alice trades in FUTURES, and on her own in COPY");
        out.println("Each account has its own wallet, margin and positions: COPY cannot draw on FUTURES' money. (A COPY "
                + "account holds positions of its own beside the ones it copies; act 8 shows copying.)");
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

    static final String LEADER = "nora";
    static final String XBTUSDT = "XBTUSDT";
    static final String[] COPIERS = {"ivan", "judy", "kim"};

    /**
     * An elite trader and three copiers: ivan copies half of every lead quantity, judy commits 1000 of margin per
     * opening lead trade up to 1500 in all, kim copies one for one with only 600 in his COPY account. The figures
     * are those of the worked example in docs/copy-trading.md, plus judy's own trade before the settlement.
     */
    private void copyTrading() {
        heading("8. Copy trading: " + LEADER + " leads, " + String.join(", ", COPIERS) + " copy");
        out.println("Every fill of " + LEADER + ":ELITE is mirrored, inside the same command, into each follower's COPY "
                + "account, sized by the follower's settings; the outcome per follower is recorded.");
        // A symbol of its own, so that the act's marks leave alice's BTCUSDT figures as they were.
        expectAccepted("list XBTUSDT (settled in USDT, mmr 0.005, max leverage 100)",
                new ConfigureSymbol("demo-symbol-xbt", XBTUSDT, USDT, d("0.005"), 100));
        expectAccepted("mark price XBTUSDT 50000", new UpdateMarkPrice("demo-mark-50000", XBTUSDT, d("50000")));
        String[][] funds = {{LEADER, "ELITE", "20000", "10000"}, {"ivan", "COPY", "5000", "2000"},
                {"judy", "COPY", "5000", "3000"}, {"kim", "COPY", "600", "600"}};
        for (String[] f : funds) {
            String user = f[0];
            ledger.execute(new OpenAccount("demo-open-" + user + "-f", user + ":FUTURES"));
            ledger.execute(new OpenAccount("demo-open-" + user + "-" + f[1], user + ":" + f[1]));
            ledger.execute(new Deposit("demo-deposit-" + user, user + ":FUTURES", USDT, d(f[2])));
            expectAccepted(user + ": " + f[3] + " USDT into " + f[1],
                    new Transfer("demo-fund-" + user, user + ":FUTURES", user + ":" + f[1], USDT, d(f[3])));
        }
        expectAccepted(LEADER + " offers terms: profit share 0.1, at most 100 followers",
                new SetLeaderTerms("demo-terms", LEADER, d("0.1"), 100));
        expectAccepted("ivan follows by RATIO 0.5", Follow.byRatio("demo-follow-ivan", "ivan", LEADER, d("0.5")));
        expectAccepted("judy follows by FIXED_AMOUNT 1000, maxTotalMargin 1500",
                Follow.byAmount("demo-follow-judy", "judy", LEADER, d("1000")).withMaxTotalMargin(d("1500")));
        expectAccepted("kim follows by RATIO 1 (600 USDT in COPY)", Follow.byRatio("demo-follow-kim", "kim", LEADER, d("1")));
        expectRefused(RejectionCode.SELF_FOLLOW, LEADER + " tries to follow " + LEADER,
                Follow.byRatio("demo-follow-self", LEADER, LEADER, d("1")));

        expectAccepted("L1 " + LEADER + ": BUY 0.2 XBT at 50000, 10x ISOLATED, fee 5", lead("L1", Side.BUY, "0.2", "50000", "5"));
        expectAccepted("L2 " + LEADER + ": BUY 0.1 XBT at 52000, fee 2.6", lead("L2", Side.BUY, "0.1", "52000", "2.6"));
        expectAccepted("mark price XBTUSDT 53000", new UpdateMarkPrice("demo-mark-53000", XBTUSDT, d("53000")));
        expectAccepted("L3 " + LEADER + ": SELL 0.15 of her 0.3 at 53000, fee 3.975 (a partial close)",
                lead("L3", Side.SELL, "0.15", "53000", "3.975"));
        for (String copier : COPIERS) {
            out.println();
            ViewText.copies(ledger.copies(copier, LEADER), out);
        }
        out.println("ivan takes half of each lead quantity; judy's L2 is cut to rounddown8(500 x 10 / 52000) = 0.09615384 "
                + "by her cap (1000 of her 1500 was in use); kim could not afford L1 (margin 1000 + fee 5 > 600) but "
                + "could afford L2; at L3 the leader closed half, so each copier closed half of what it held.");
        List<CopiesView.Outcome> judy = ledger.copies("judy", LEADER).outcomes();
        expect("judy's L2 is CLIPPED", judy.get(1).outcome() == CopyOutcome.CLIPPED, true);
        expect("judy's L2 quantity", judy.get(1).quantity(), "0.09615384");
        expect("kim's L1 is SKIPPED for margin", ledger.copies("kim", LEADER).outcomes().get(0).reason()
                == CopyReason.INSUFFICIENT_MARGIN, true);
        expect("judy's L3 close: rounddown8(0.29615384 x 0.15 / 0.3)", judy.get(2).quantity(), "0.14807692");

        expectAccepted("judy trades on her own in COPY: BUY 0.488 XBT at 53000, 10x (margin 2586.4)",
                new RecordFill("demo-judy-own", "judy:COPY", XBTUSDT, Side.BUY, d("0.488"), d("53000"), BigDecimal.ZERO,
                        10, MarginMode.ISOLATED));
        expectRefused(RejectionCode.COPY_MANAGED, "judy tries to add to her copy of " + LEADER + " by hand",
                new RecordFill("demo-judy-managed", "judy:COPY", XBTUSDT, Side.BUY, d("0.01"), d("53000"), BigDecimal.ZERO,
                        10, MarginMode.ISOLATED, Book.PERSONAL, LEADER));
        expectAccepted("settle " + LEADER + "'s profit share", new SettleProfitShare("demo-settle", LEADER));
        out.println();
        ViewText.followers(ledger.followers(LEADER, 100).orElseThrow(), out);
        out.println("Each pair owes 0.1 of what its net PnL gained above its high-water mark (0 before): ivan 169.2125 ->"
                + " 16.92125, judy 336.65288178 -> 33.66528818, kim 46.075 -> 4.6075. ivan and kim pay in full; judy's "
                + "own trade left her only 0.25289778 available, so she pays that and the rest stays owed until a later "
                + "settlement.");
        List<FollowersView.Follower> followers = ledger.followers(LEADER, 100).orElseThrow().followers();
        expect("ivan paid", followers.get(0).assets().get(0).profitSharePaid(), "16.92125");
        expect("judy paid what her available allowed", followers.get(1).assets().get(0).profitSharePaid(), "0.25289778");
        expect("judy still owes 33.66528818 - 0.25289778", followers.get(1).assets().get(0).profitShareOwed(), "33.4123904");
        expect("kim paid", followers.get(2).assets().get(0).profitSharePaid(), "4.6075");
        PerformanceView elite = ledger.performance(LEADER + ":ELITE").orElseThrow();
        out.println();
        ViewText.performance(elite, out);
        expect(LEADER + "'s profit share received", elite.profitShare(), "21.78164778");
        expect(LEADER + "'s realized PnL", elite.realizedPnl(), "350");
    }

    private static RecordFill lead(String id, Side side, String quantity, String price, String fee) {
        return new RecordFill("demo-" + id, LEADER + ":ELITE", XBTUSDT, side, d(quantity), d(price), d(fee), 10,
                MarginMode.ISOLATED);
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
