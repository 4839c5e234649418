package dev.ledger.api.support;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

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

    public static ConfigureSymbol configure(String symbol, String settleAsset, String maintenanceMarginRate,
                                            int maxLeverage) {
        return new ConfigureSymbol(nextId(), symbol, settleAsset, dec(maintenanceMarginRate), maxLeverage);
    }

    public static UpdateMarkPrice mark(String symbol, String price) {
        return new UpdateMarkPrice(nextId(), symbol, dec(price));
    }

    public static RecordFill buy(String account, String symbol, String quantity, String price, String fee,
                                 int leverage, MarginMode marginMode) {
        return fill(account, symbol, Side.BUY, quantity, price, fee, leverage, marginMode);
    }

    public static RecordFill sell(String account, String symbol, String quantity, String price, String fee,
                                  int leverage, MarginMode marginMode) {
        return fill(account, symbol, Side.SELL, quantity, price, fee, leverage, marginMode);
    }

    public static RecordFill fill(String account, String symbol, Side side, String quantity, String price, String fee,
                                  int leverage, MarginMode marginMode) {
        return new RecordFill(nextId(), account, symbol, side, dec(quantity), dec(price), dec(fee), leverage, marginMode);
    }

    public static AdjustIsolatedMargin adjust(String account, String symbol, String amount) {
        return new AdjustIsolatedMargin(nextId(), account, symbol, dec(amount));
    }

    public static SettleFunding funding(String account, String symbol, String rate, String markPrice) {
        return new SettleFunding(nextId(), account, symbol, dec(rate), dec(markPrice));
    }

    public static Liquidate liquidate(String account, String symbol, String price) {
        return new Liquidate(nextId(), account, symbol, dec(price));
    }
}
