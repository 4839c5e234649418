package dev.ledger.api.support;

import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;

/** Short factories for commands; each gets a fresh id unless the test gives one. */
public final class Commands {

    private static final AtomicLong IDS = new AtomicLong();

    private Commands() {
    }

    public static String nextId() {
        return "cmd-" + IDS.incrementAndGet();
    }

    /** A decimal from its text, or null for null (a missing amount). */
    public static BigDecimal dec(String text) {
        return text == null ? null : new BigDecimal(text);
    }

    public static OpenAccount open(String account) {
        return new OpenAccount(nextId(), account);
    }

    public static Deposit deposit(String account, String asset, String amount) {
        return new Deposit(nextId(), account, asset, dec(amount));
    }

    public static Withdraw withdraw(String account, String asset, String amount) {
        return new Withdraw(nextId(), account, asset, dec(amount));
    }

    public static Transfer transfer(String from, String to, String asset, String amount) {
        return new Transfer(nextId(), from, to, asset, dec(amount));
    }
}
