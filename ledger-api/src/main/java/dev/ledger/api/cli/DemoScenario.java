package dev.ledger.api.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The story that {@code ledger demo} tells, one line per step with its outcome, then every account's
 * balance. Each step states the outcome the rules of {@code accounting.md} lead to; a different
 * outcome is flagged, so the demo doubles as a quick check of a build. Later chapters (trading,
 * liquidation, migration) are further methods called from {@link #run()}.
 */
public final class DemoScenario {

    public static final String USER = "alice";
    static final String FUTURES = USER + ":FUTURES";
    static final String COPY = USER + ":COPY";
    static final String ELITE = USER + ":ELITE";
    static final String USDT = "USDT";

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
        movingMoneyBetweenAccounts();
        balances(List.of(FUTURES, COPY, ELITE), List.of(new BigDecimal("5000"), new BigDecimal("3000"), new BigDecimal("2000")));
        out.println();
        if (surprises.isEmpty()) {
            out.println("Every step ended as the accounting rules say.");
        } else {
            out.println(surprises.size() + " step(s) did NOT end as the accounting rules say:");
            surprises.forEach(s -> out.println("  " + s));
        }
        out.flush();
        return surprises.isEmpty();
    }

    private void movingMoneyBetweenAccounts() {
        chapter("alice opens FUTURES, COPY and ELITE, deposits into FUTURES and funds the other two by transfers");
        expectAccepted("open " + FUTURES, new OpenAccount("demo-open-futures", FUTURES));
        expectAccepted("open " + COPY, new OpenAccount("demo-open-copy", COPY));
        expectAccepted("open " + ELITE, new OpenAccount("demo-open-elite", ELITE));
        expectAccepted("deposit 10000 USDT into FUTURES", new Deposit("demo-deposit", FUTURES, USDT, new BigDecimal("10000")));
        Transfer toCopy = new Transfer("demo-transfer-copy", FUTURES, COPY, USDT, new BigDecimal("3000"));
        expectAccepted("transfer 3000 USDT FUTURES -> COPY", toCopy);
        expectAccepted("transfer 2000 USDT FUTURES -> ELITE",
                new Transfer("demo-transfer-elite", FUTURES, ELITE, USDT, new BigDecimal("2000")));

        chapter("what the ledger refuses, and what it does with a command sent twice");
        expectRefused(RejectionCode.INSUFFICIENT_FUNDS, "transfer 50000 USDT FUTURES -> COPY (5000 left)",
                new Transfer("demo-transfer-too-much", FUTURES, COPY, USDT, new BigDecimal("50000")));
        expectDuplicate("send the 3000 USDT transfer again (same id)", toCopy);
        expectRefused(RejectionCode.TRANSFER_NOT_ALLOWED, "withdraw 100 USDT from COPY",
                new Withdraw("demo-withdraw-copy", COPY, USDT, new BigDecimal("100")));
    }

    private void chapter(String title) {
        out.println();
        out.println(title + ":");
    }

    private void expectAccepted(String description, LedgerCommand command) {
        Outcome outcome = step(description, command);
        if (!(outcome instanceof Outcome.Accepted)) {
            surprise(description, "accepted", outcome);
        }
    }

    private void expectRefused(RejectionCode code, String description, LedgerCommand command) {
        Outcome outcome = step(description, command);
        if (!(outcome instanceof Outcome.Rejected rejected && rejected.code() == code)) {
            surprise(description, "refused " + code, outcome);
        }
    }

    private void expectDuplicate(String description, LedgerCommand command) {
        Outcome outcome = step(description, command);
        if (!(outcome instanceof Outcome.Duplicate)) {
            surprise(description, "a duplicate", outcome);
        }
    }

    private Outcome step(String description, LedgerCommand command) {
        Outcome outcome = ledger.execute(command);
        steps++;
        out.printf("%3d. %-48s %s%n", steps, description, describe(outcome));
        out.flush();
        return outcome;
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

    private void surprise(String description, String expected, Outcome actual) {
        surprises.add("step \"" + description + "\": expected " + expected + ", got " + describe(actual));
    }

    private void balances(List<String> accounts, List<BigDecimal> expectedWallets) {
        for (int i = 0; i < accounts.size(); i++) {
            String account = accounts.get(i);
            Optional<BalanceView> balance = ledger.balance(account);
            if (balance.isEmpty()) {
                out.println("balance of " + account + ": the read model does not know the account");
                surprises.add("balance of " + account + ": the read model does not know the account");
                continue;
            }
            out.println();
            ViewText.balance(balance.get(), out);
            BigDecimal wallet = balance.get().balances().stream().filter(b -> b.asset().equals(USDT))
                    .map(AssetBalance::wallet).findFirst().orElse(null);
            if (wallet == null || wallet.compareTo(expectedWallets.get(i)) != 0) {
                surprises.add("balance of " + account + ": expected wallet " + expectedWallets.get(i).toPlainString()
                        + " USDT, got " + (wallet == null ? "none" : wallet.toPlainString()));
            }
        }
    }
}
